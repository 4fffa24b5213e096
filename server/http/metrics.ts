// GET /metrics for Prometheus, and the timing of every request it reports. Off unless METRICS_TOKEN
// is set: then nothing is collected and /metrics is the ordinary 404. On, it answers only a scraper
// sending the token as a bearer token — not a session or an API token, which have roles; a scraper has none.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { PUBLIC, type Routes } from '../auth/access.ts';
import { UNMATCHED_ROUTE, type AppMetrics } from '../metrics/app-metrics.ts';

export const METRICS_PATH = '/metrics';

/** Times each request, labelled with the route pattern it matched (never the URL, which any client can vary). */
export function requestMetrics(metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = (): void => {
      if (recorded) return;
      recorded = true;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      metrics.observeRequest(req.method, routeOf(req), status, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

/** '/users/:userId' for a route; '/assets/*' for a file served from a mount; 'unmatched' for the rest. */
export function routeOf(req: Request): string {
  const pattern = (req as { route?: { path?: unknown } }).route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return req.baseUrl ? `${req.baseUrl}/*` : UNMATCHED_ROUTE;
}

/**
 * PUBLIC to the role guard (a scraper has no session or role); the token is checked here. Registered
 * before the session middleware, like /healthz, so a scrape neither reads nor writes a session.
 */
export function registerMetricsRoute(routes: Routes, token: string | undefined, metrics: AppMetrics | undefined): void {
  const wanted = token === undefined ? undefined : digest(token);
  routes.get(METRICS_PATH, PUBLIC, async (req, res, next) => {
    if (wanted === undefined || metrics === undefined) return next();
    res.set('Cache-Control', 'no-store');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    // Compared as digests: constant time, whatever the length sent.
    if (given === undefined || !timingSafeEqual(digest(given), wanted)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      res.status(401).type('text/plain').send('Send the METRICS_TOKEN setting as a bearer token: Authorization: Bearer <METRICS_TOKEN>.\n');
      return;
    }
    res.type(metrics.contentType).send(await metrics.exposition());
  });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
