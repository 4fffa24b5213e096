// What both entry points (server/main.ts with its scheduler, jobs/worker.ts without a web server)
// do to run the jobs: recover what a stopped process left, and start the scheduler.
import type { Database } from '../db/connection.ts';
import type { Logger } from '../server/logger.ts';
import { failStaleImports, removeAbandonedCompressions } from '../server/snapshots/ingest/stale-imports.ts';
import type { JobContext } from './context.ts';
import { jobDefinitions } from './definitions.ts';
import { JobRunner } from './runner.ts';
import { startScheduler, type Scheduler } from './scheduler.ts';

/**
 * An import whose process died (killed, crashed) still says "running": the next start says it
 * failed. An archive compression it was writing leaves a `.part` file: the next start removes it.
 */
export async function failStoppedImports(db: Database, dataDir: string, logger: Logger): Promise<void> {
  const failed = await failStaleImports(db.knex, { dataDir });
  if (failed.length) logger.warn({ imports: failed }, `marked ${failed.length} import(s) failed: their process stopped before they finished`);
  const parts = await removeAbandonedCompressions(dataDir);
  if (parts.length) logger.warn({ files: parts }, `removed ${parts.length} unfinished archive compression(s) left by a stopped process`);
}

export function startJobs(ctx: JobContext, clock?: () => Date): Scheduler {
  const definitions = jobDefinitions();
  return startScheduler(new JobRunner(ctx, definitions, { clock }), definitions, ctx.logger, { now: clock });
}
