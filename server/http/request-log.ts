// One log line per request when its response is done: id, method, URL (CSRF token hidden), status,
// time taken. pino-http did this but built a child logger, serialising the request, for every
// request before anything was logged: about a tenth of the CPU of a /healthz under load (bench:web).
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { requestIdOf } from './request-id.ts';

/** The URL with the value of any _csrf query parameter replaced, for logs. */
export function withoutCsrfToken(url: string): string {
  return url.replace(/([?&]_csrf=)[^&#]*/g, '$1[redacted]');
}

/** What a log line says of the request it is about. */
export function requestFields(req: Request): { id: string; method: string; url: string } {
  return { id: requestIdOf(req), method: req.method, url: withoutCsrfToken(req.originalUrl) };
}

/** Health checks and metrics scrapes arrive every few seconds from load balancers and Prometheus: not worth a line each. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (QUIET_PATHS.has(req.path)) return next();
    const started = process.hrtime.bigint();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const status = res.statusCode;
      // A response closed before it finished was cut off (client gone, server stopping).
      const complete = res.writableFinished;
      const level = !complete || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: requestFields(req),
          res: { statusCode: status },
          responseTime: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        complete ? 'request completed' : 'request aborted',
      );
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
