// What route modules get to do their work: the database, configuration, logging, page rendering,
// and the positions computed once per change of the data, which every page showing them shares.
import type { Knex } from 'knex';
import type { Database } from '../../db/connection.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { MetricsSink } from '../metrics/sink.ts';
import type { ProgressCache } from '../progress/progress-cache.ts';
import type { PageRenderer } from './render.ts';

export interface RouteContext {
  db: Database;
  knex: Knex;
  config: Config;
  logger: Logger;
  pages: PageRenderer;
  progress: ProgressCache;
  /** Where imports and report renders are counted for GET /metrics. */
  metrics: MetricsSink;
}
