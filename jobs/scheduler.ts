// Triggers the jobs on their node-cron schedules in Europe/London, retries failed runs when their
// backoff has passed, and catches up what was missed while no instance ran. Which run a trigger is
// for, and whether it has happened, is the JobRunner's business (claims in the database).
import cron, { type ScheduledTask } from 'node-cron';
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
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: SCHEDULE_TIME_ZONE, hour: '2-digit', hourCycle: 'h23' }).format(at));
  return hour === 1 || hour === 2;
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** node-cron's own messages (e.g. a missed tick) go to our log. */
function cronLogger(logger: Logger) {
  const log = logger.child({ component: 'node-cron' });
  return {
    info: (message: string) => log.info(message),
    warn: (message: string) => log.warn(message),
    error: (message: string | Error, err?: Error) => log.error({ err: err ?? message }, String(message)),
    debug: (message: string | Error, err?: Error) => log.debug({ err }, String(message)),
  };
}

export function startScheduler<Ctx extends { knex: Knex; logger: Logger }>(
  runner: Triggerable<Ctx>,
  definitions: ReadonlyArray<JobDefinition<Ctx>>,
  logger: Logger,
  options: { retrySchedule?: string; now?: () => Date } = {},
): Scheduler {
  // node-cron works out the next run on the machine's local calendar before applying `timezone`, and
  // in a zone with clock changes of its own (e.g. America/New_York) its heartbeat spins forever at
  // that zone's missing hour. On UTC there is no missing hour; London time comes from `timezone`.
  if (process.env.TZ !== 'UTC') {
    logger.info({ machineTimeZone: process.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone }, 'running on UTC so that schedules do not depend on the machine time zone');
    process.env.TZ = 'UTC';
  }
  const tasks: ScheduledTask[] = [];
  const common = { timezone: SCHEDULE_TIME_ZONE, noOverlap: true, logger: cronLogger(logger) };
  const guard = (what: string, work: () => Promise<unknown>) => async (): Promise<void> => {
    try {
      await work();
    } catch (err) {
      logger.error({ err, what }, 'scheduled work failed before it could be recorded');
    }
  };
  for (const definition of definitions) {
    tasks.push(
      cron.schedule(definition.schedule, guard(definition.name, () => runner.trigger(definition)), { ...common, name: definition.name }),
    );
  }
  tasks.push(cron.schedule(options.retrySchedule ?? RETRY_SCHEDULE, guard('retries', () => runner.retryDue()), { ...common, name: 'retries' }));
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
    tasks.push(cron.schedule('0 3 * * *', once, { ...common, name: 'catch-up' }));
  } else {
    void catchUp();
  }
  logger.info({ jobs: definitions.map((d) => `${d.name} (${d.schedule})`) }, 'scheduler started');
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
      await runner.stop();
    },
  };
}
