// Starts backfill-monitor: validates configuration, migrates the database, serves HTTP, and shuts
// down cleanly on SIGTERM/SIGINT (in-flight requests finish, then the database is closed).
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { buildApp, type App } from './app.ts';
import type { ApiMismatchReport } from './http/api-response-check.ts';
import type { Config } from './config.ts';
import { closeOnSignals, loadConfigOrExit, logSlipsInsteadOfExiting, runIfMain } from './lifecycle.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase, type Database } from '../db/connection.ts';
import { migrateLatest } from '../db/migrate.ts';
import { countAccounts } from '../db/queries/accounts.ts';
import type { Scheduler } from '../jobs/scheduler.ts';
import { failStoppedImports, startJobs } from '../jobs/start.ts';
import { BrowserManager } from './reports/browser.ts';
import { importsSettled } from './snapshots/ingest/ingest-snapshot.ts';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  server: Server;
  /** The app's metrics (what GET /metrics reports), which the jobs in this process count into. */
  metrics: App['metrics'];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Run the scheduled jobs in this process too (the default for `npm start`). */
  scheduler?: boolean;
  /** The jobs' clock (what day it is for catch-up, claims and retries); tests set it. */
  clock?: () => Date;
  /** Tests: told of every /api/v1 answer that does not match the OpenAPI description. */
  apiMismatches?: ApiMismatchReport;
}

async function prepareDatabase(db: Database, dataDir: string, logger: Logger): Promise<void> {
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied }, `applied ${applied.length} database migration(s)`);
  await failStoppedImports(db, dataDir, logger);
  if ((await countAccounts(db.knex)) === 0) {
    logger.warn('No accounts exist yet. Create the first SECAS account with: npx backfill account add --email you@example.org --role secas');
  }
}

function listen(app: App['app'], host: string, port: number): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Stops the scheduler and stops accepting connections; requests in flight (an upload among them)
 * get the grace period to finish, then their connections are closed. An import whose upload was
 * cut then fails, and is recorded as failed with its temporary files removed, before the database
 * is closed.
 */
function stopper(
  server: Server,
  app: App,
  db: Database,
  scheduler: Scheduler | null,
  browser: BrowserManager,
  graceMs: number,
  logger: Logger,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await scheduler?.stop();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      if (!(await importsSettled(IMPORT_WRAP_UP_MS))) logger.warn('an import was still finishing when the process stopped; the next start marks it failed');
      await app.close();
      await browser.stop();
      await db.close();
    })();
    return closing;
  };
}

/** After the grace period, how long a cut import may take to record its failure. */
const IMPORT_WRAP_UP_MS = 5000;

export async function startServer(config: Config & { sessionSecret: string }, logger: Logger, options: StartOptions = {}): Promise<RunningServer> {
  const db = openDatabase(config.databaseUrl, { logger });
  const browser = new BrowserManager(config.chromePath, logger);
  let app: App | undefined;
  let scheduler: Scheduler | null = null;
  try {
    await prepareDatabase(db, config.dataDir, logger);
    app = buildApp({ config, db, logger, browser, ...(options.apiMismatches ? { apiMismatches: options.apiMismatches } : {}) });
    const server = await listen(app.app, config.host, config.port);
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, database: db.description }, `backfill-monitor is listening on ${url}`);
    if (options.scheduler) scheduler = startJobs({ db, knex: db.knex, config, logger, browser, metrics: app.metrics }, options.clock);
    else logger.info('scheduled jobs are off in this process (--no-scheduler); run them with npm run worker or another instance');
    return { url, port, db, server, metrics: app.metrics, close: stopper(server, app, db, scheduler, browser, config.shutdownGraceMs, logger) };
  } catch (err) {
    await scheduler?.stop();
    await app?.close();
    await browser.stop();
    await db.close();
    throw err;
  }
}

/** `npm start --no-scheduler` reaches us as npm_config_scheduler=''; `npm start -- --no-scheduler` as an argument. */
export function schedulerWanted(argv: string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes('--no-scheduler')) return false;
  const npmFlag = env.npm_config_scheduler;
  return !(npmFlag === '' || npmFlag === 'false');
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  logSlipsInsteadOfExiting(logger);
  const running = await startServer(config, logger, { scheduler: schedulerWanted(process.argv.slice(2), process.env) });
  closeOnSignals(logger, () => running.close());
}

runIfMain(import.meta.url, main, 'backfill-monitor');
