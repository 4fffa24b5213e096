// What both entry points (server/main.ts with its scheduler, jobs/worker.ts without a web server)
// do to run the jobs: recover what a stopped process left, and start the scheduler.
import type { Knex } from 'knex';
import type { Database } from '../db/connection.ts';
import { notify } from '../server/notifications/events.ts';
import { startNotificationSender } from './notification-sender.ts';
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

/** A run that failed its last attempt: SECAS is told (a monthly draft as such, any other job as a job). */
export async function tellSecasOfFailure(trx: Knex, run: { job: string; key: string; attempts: number; error: string }): Promise<void> {
  const month = run.job === 'monthly-report' ? run.key.replace(/^report:/, '') : null;
  await notify(trx, month === null ? 'job.failed' : 'report.draft-failed', {
    id: `${run.job}:${run.key}`,
    payload: {
      job: run.job,
      key: run.key,
      attempts: run.attempts,
      attemptsText: run.attempts === 1 ? 'once' : `${run.attempts} times`,
      error: run.error.slice(0, 1000),
      ...(month === null ? {} : { month }),
    },
  });
}

export function startJobs(ctx: JobContext, clock?: () => Date): Scheduler {
  const definitions = jobDefinitions();
  const runner = new JobRunner(ctx, definitions, { clock, onGaveUp: tellSecasOfFailure });
  const scheduler = startScheduler(runner, definitions, ctx.logger, { now: clock });
  // The outbox is sent by a loop of its own: messages should not wait for a cron minute, nor a run record each.
  const sender = startNotificationSender({ knex: ctx.knex, logger: ctx.logger, config: ctx.config, instance: runner.instance });
  return {
    async stop() {
      await sender.stop();
      await scheduler.stop();
    },
  };
}
