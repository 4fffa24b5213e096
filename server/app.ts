// Builds the Express app (no listen): middleware, every route with its access rule, errors.
// Tests use it directly; server/main.ts starts it.
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config.ts';
import type { Database } from '../db/connection.ts';
import type { Logger } from './logger.ts';
import { Routes, assertEveryRouteHasAccessRule, type RouteInfo } from './auth/access.ts';
import { registerAdminRoutes } from './auth/admin-routes.ts';
import { identify } from './auth/identify.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { createCsrf } from './auth/csrf.ts';
import { createSessions } from './auth/session.ts';
import { startLoginSweeper } from './auth/sweeper.ts';
import { registerActionRoutes } from './actions/routes.ts';
import { registerHelpRoutes } from './http/help-routes.ts';
import { registerApiDocsRoutes } from './http/api-docs-routes.ts';
import { checkApiResponses, type ApiMismatchReport } from './http/api-response-check.ts';
import { registerApiRoutes } from './http/api-routes.ts';
import { registerAuditRoutes } from './audit/audit-routes.ts';
import { registerDashboardRoutes } from './dashboard/routes.ts';
import { registerJobRunRoutes } from './audit/job-runs-routes.ts';
import { registerNotificationRoutes } from './notifications/routes.ts';
import { BrowserManager } from './reports/browser.ts';
import { registerReportRoutes } from './reports/routes.ts';
import { ProgressCache } from './progress/progress-cache.ts';
import { registerProgressApiRoutes } from './progress/progress-api-routes.ts';
import { registerProgrammeApiRoutes } from './programme/api-routes.ts';
import { registerProgrammeRoutes } from './programme/routes.ts';
import { registerSnapshotRoutes } from './snapshots/routes.ts';
import type { RouteContext } from './http/route-context.ts';
import { mountAssets } from './http/assets.ts';
import { dataAgeBanner } from './http/data-age.ts';
import { errorHandler, notFound } from './http/error-handler.ts';
import { registerHealthRoute } from './http/health.ts';
import { isApiPath } from './http/paths.ts';
import { requestId } from './http/request-id.ts';
import { requestLog } from './http/request-log.ts';
import { registerMetricsRoute, requestMetrics } from './http/metrics.ts';
import { AppMetrics } from './metrics/app-metrics.ts';
import { NO_METRICS, type MetricsSink } from './metrics/sink.ts';
import { createPageRenderer } from './http/render.ts';
import { createViewRenderer } from './templates/views.ts';
import './http/types.ts';

export interface AppDeps {
  config: Config & { sessionSecret: string };
  db: Database;
  logger: Logger;
  /** The process's Chromium for reports; the app makes its own when not given. */
  browser?: BrowserManager;
  /** Tests: told of every /api/v1 answer that does not match the OpenAPI description. */
  apiMismatches?: ApiMismatchReport;
}

export interface App {
  app: Express;
  routes: RouteInfo[];
  /** Counts imports, renders and job runs for GET /metrics (counts nothing when METRICS_TOKEN is unset); the jobs in this process report to it. */
  metrics: MetricsSink;
  /** Releases what the app holds besides the database (timers, the browser it made). */
  close(): Promise<void>;
}

export function buildApp(deps: AppDeps): App {
  const { db, logger, config } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Pages are never cached (no-store), so hashing every body for an ETag would be work for nothing.
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);

  app.use(requestId);
  if (deps.apiMismatches) app.use(checkApiResponses(deps.apiMismatches));
  app.use(requestLog(logger));
  const metrics = config.metricsToken === undefined ? undefined : new AppMetrics({ knex: db.knex, logger });
  if (metrics) app.use(requestMetrics(metrics));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Served over plain HTTP on localhost by default; a proxy in front adds HTTPS.
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );

  const routes = new Routes(app);
  mountAssets(app, routes);
  registerHealthRoute(routes, db.knex);
  registerMetricsRoute(routes, config.metricsToken, metrics);

  const stopSweeper = startLoginSweeper(db.knex, logger);
  const csrf = createCsrf({ secret: config.sessionSecret, secureCookies: config.secureCookies });
  app.use(createSessions(db.knex, { secret: config.sessionSecret, secureCookies: config.secureCookies }));
  app.use(csrf.cookies);
  app.use(identify(db.knex));
  // Forms only: API bodies (snapshot streams) are read by their routes as they arrive.
  const forms = express.urlencoded({ extended: false, limit: '100kb' });
  app.use((req, res, next) => (isApiPath(req.path) ? next() : forms(req, res, next)));
  app.use(csrf.protect);

  const views = createViewRenderer();
  const pages = createPageRenderer(views, csrf.tokenFor, routes.list);
  const sink = metrics ?? NO_METRICS;
  const ctx: RouteContext = { db, knex: db.knex, config, logger, pages, progress: new ProgressCache(db.knex), metrics: sink };
  app.use(dataAgeBanner(ctx));
  const browser = deps.browser ?? new BrowserManager(config.chromePath, logger);
  registerAuthRoutes(routes, { knex: db.knex, pages, loginLimits: { perAccount: config.loginAccountLimit, perAddress: config.loginRateLimit } });
  registerAuditRoutes(routes, { knex: db.knex, pages });
  registerAdminRoutes(routes, ctx);
  registerApiRoutes(routes);
  registerApiDocsRoutes(routes, ctx);
  registerJobRunRoutes(routes, ctx);
  registerHelpRoutes(routes, ctx);
  registerNotificationRoutes(routes, ctx);
  registerReportRoutes(routes, ctx, { knex: db.knex, views, browser, logger, metrics: sink });
  registerSnapshotRoutes(routes, ctx);
  registerProgrammeRoutes(routes, ctx);
  registerProgressApiRoutes(routes, ctx);
  registerProgrammeApiRoutes(routes, ctx);
  registerActionRoutes(routes, ctx);
  registerDashboardRoutes(routes, ctx);

  app.use(notFound);
  app.use(errorHandler(logger, pages, { dataDir: config.dataDir, databaseFile: db.file }));
  assertEveryRouteHasAccessRule(app);

  return {
    app,
    routes: routes.list,
    metrics: sink,
    close: async () => {
      stopSweeper();
      if (!deps.browser) await browser.stop();
    },
  };
}
