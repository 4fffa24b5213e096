// Triggers the jobs on their node-cron schedules in Europe/London, retries failed runs when their
// backoff has passed, and catches up what was missed while no instance ran. Which run a trigger is
// for, and whether it has happened, is the JobRunner's business (claims in the database).
import cron, { type ScheduledTask } from 'node-cron';
import type { Knex } from 'knex';
import type { Logger } from '../server/logger.ts';
import type { JobDefinition, JobRunner } from './runner.ts';

export const SCHEDULE_TIME_ZONE = 'Europe/London';
/** How often failed runs are checked for a due retry. Once a minute, but never 01:00–02:59. */
export const RETRY_SCHEDULE = '* 0,3-23 * * *';

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler<Ctx extends { knex: Knex; logger: Logger }>(
  runner: JobRunner<Ctx>,
  definitions: ReadonlyArray<JobDefinition<Ctx>>,
  logger: Logger,
): Scheduler {
  const tasks: ScheduledTask[] = [];
  const guard = (what: string, work: () => Promise<unknown>) => async (): Promise<void> => {
    try {
      await work();
    } catch (err) {
      logger.error({ err, what }, 'scheduled work failed before it could be recorded');
    }
  };
  for (const definition of definitions) {
    tasks.push(
      cron.schedule(definition.schedule, guard(definition.name, () => runner.trigger(definition)), {
        timezone: SCHEDULE_TIME_ZONE,
        name: definition.name,
        noOverlap: true,
      }),
    );
  }
  tasks.push(cron.schedule(RETRY_SCHEDULE, guard('retries', () => runner.retryDue()), { timezone: SCHEDULE_TIME_ZONE, name: 'retries', noOverlap: true }));
  // Catch up after the listeners are in place, without holding up start-up.
  void guard('catch-up', () => runner.catchUp())();
  logger.info({ jobs: definitions.map((d) => `${d.name} (${d.schedule})`) }, 'scheduler started');
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
      await runner.stop();
    },
  };
}
