// `npm run worker`: the scheduled jobs without the web server, for deployments that split them.
import { openDatabase } from '../db/connection.ts';
import { migrateLatest } from '../db/migrate.ts';
import { closeOnSignals, loadConfigOrExit, logSlipsInsteadOfExiting, runIfMain } from '../server/lifecycle.ts';
import { createLogger } from '../server/logger.ts';
import { failStoppedImports, startJobs } from './start.ts';
import { BrowserManager } from '../server/reports/browser.ts';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, 'backfill-monitor-worker');
  logSlipsInsteadOfExiting(logger);
  const db = openDatabase(config.databaseUrl, { logger });
  await migrateLatest(db);
  await failStoppedImports(db, config.dataDir, logger);
  const browser = new BrowserManager(config.chromePath, logger);
  const scheduler = startJobs({ db, knex: db.knex, config, logger, browser });
  closeOnSignals(logger, async () => {
    await scheduler.stop();
    await browser.stop();
    await db.close();
  });
}

runIfMain(import.meta.url, main, 'backfill-monitor worker');
