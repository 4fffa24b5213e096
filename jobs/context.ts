// What a scheduled job gets to work with.
import type { Knex } from 'knex';
import type { Database } from '../db/connection.ts';
import type { Config } from '../server/config.ts';
import type { Logger } from '../server/logger.ts';
import type { MetricsSink } from '../server/metrics/sink.ts';
import type { BrowserManager } from '../server/reports/browser.ts';

export interface JobContext {
  db: Database;
  knex: Knex;
  config: Config;
  logger: Logger;
  /** The process's Chromium, shared with the web app, for rendering reports. */
  browser: BrowserManager;
  /** The web app's metrics when the jobs run in its process; the worker has none. */
  metrics?: MetricsSink | undefined;
}
