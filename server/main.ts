// Starts backfill-monitor: validates configuration, migrates the database, serves HTTP, and shuts
// down cleanly on SIGTERM/SIGINT (in-flight requests finish, then the database is closed).
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { buildApp, type App } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase, type Database } from '../db/connection.ts';
import { migrateLatest } from '../db/migrate.ts';
import { countAccounts } from '../db/queries/accounts.ts';

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  server: Server;
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;

async function prepareDatabase(db: Database, logger: Logger): Promise<void> {
  const applied = await migrateLatest(db);
  if (applied.length) logger.info({ applied }, `applied ${applied.length} database migration(s)`);
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

/** Stops accepting connections, lets in-flight requests finish (up to a grace period), then closes. */
function stopper(server: Server, app: App, db: Database): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      app.close();
      await db.close();
    })();
    return closing;
  };
}

export async function startServer(config: Config & { sessionSecret: string }, logger: Logger): Promise<RunningServer> {
  const db = openDatabase(config.databaseUrl);
  let app: App | undefined;
  try {
    await prepareDatabase(db, logger);
    app = buildApp({ config, db, logger });
    const server = await listen(app.app, config.host, config.port);
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, database: db.description }, `backfill-monitor is listening on ${url}`);
    return { url, port, db, server, close: stopper(server, app, db) };
  } catch (err) {
    app?.close();
    await db.close();
    throw err;
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  let signalled = false;
  const stop = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`backfill-monitor could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
