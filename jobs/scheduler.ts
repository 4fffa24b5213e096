// Triggers the jobs on their cron schedules in Europe/London, retries failed runs when their
// backoff has passed, and catches up what was missed while no instance ran. Which run a trigger is
// for, and whether it has happened, is the JobRunner's business (claims in the database).
import { londonHour } from '../server/engine/calendar.ts';
import { Cron } from 'croner';
import type { Knex } from 'knex';
import type { Logger } from '../server/logger.ts';
import type { JobDefinition, JobRunner } from './runner.ts';

/** What the scheduler needs of a runner (a JobRunner; tests may drive the schedule alone). */
export type Triggerable<Ctx extends { knex: Knex; logger: Logger }> = Pick<JobRunner<Ctx>, 'trigger' | 'retryDue' | 'catchUp' | 'stop'>;

export const SCHEDULE_TIME_ZONE = 'Europe/London';
/** How often failed runs are checked for a due retry. Once a minute, but never 01:00–02:59. */
export const RETRY_SCHEDULE = '* 0,3-23 * * *';

/** Where no scheduled work starts: 01:00–02:59 London time, the hours the clocks change in. */
export function inQuietHours(at: Date): boolean {
  const hour = londonHour(at);
  return hour === 1 || hour === 2;
}

export interface Scheduler {
  stop(): Promise<void>;
}

export function startScheduler<Ctx extends { knex: Knex; logger: Logger }>(
  runner: Triggerable<Ctx>,
  definitions: ReadonlyArray<JobDefinition<Ctx>>,
  logger: Logger,
  options: { retrySchedule?: string; now?: () => Date } = {},
): Scheduler {
  // croner works out each next run in Europe/London itself (Intl), whatever the machine's zone:
  // node-cron walked the machine's local calendar and spun for ever at a missing hour (e.g. 02:00
  // on America/New_York's spring-forward day), so the process had to be put on UTC.
  const tasks: Cron[] = [];
  // protect: a run still going when the next is due is not started again beside it.
  const schedule = (expression: string, run: () => Promise<void>): Cron => new Cron(expression, { timezone: SCHEDULE_TIME_ZONE, protect: true }, run);
  const guard = (what: string, work: () => Promise<unknown>) => async (): Promise<void> => {
    try {
      await work();
    } catch (err) {
      logger.error({ err, what }, 'scheduled work failed before it could be recorded');
    }
  };
  for (const definition of definitions) {
    tasks.push(
      schedule(
        definition.schedule,
        guard(definition.name, () => runner.trigger(definition)),
      ),
    );
  }
  tasks.push(
    schedule(
      options.retrySchedule ?? RETRY_SCHEDULE,
      guard('retries', () => runner.retryDue()),
    ),
  );
  // Catch up after the listeners are in place, without holding up start-up — but a start in the
  // quiet hours waits for 03:00, like everything else.
  const catchUp = guard('catch-up', () => runner.catchUp());
  if (inQuietHours((options.now ?? (() => new Date()))())) {
    logger.info('started between 01:00 and 02:59 London time: missed runs are caught up at 03:00');
    let pending = true;
    const once = async (): Promise<void> => {
      if (!pending) return;
      pending = false;
      await catchUp();
    };
    tasks.push(schedule('0 3 * * *', once));
  } else {
    void catchUp();
  }
  logger.info({ jobs: definitions.map((d) => `${d.name} (${d.schedule})`) }, 'scheduler started');
  return {
    async stop() {
      for (const task of tasks) task.stop();
      await runner.stop();
    },
  };
}
