// The drop-folder job: every 5 minutes (never 01:00–02:59), one instance imports what the DCC has
// dropped into DATA_DIR/inbox. Each 5-minute slot is one run key, so instances never both take a slot.
import type { JobContext } from './context.ts';
import { processInbox } from '../server/snapshots/ingest/drop-folder.ts';
import type { JobDefinition } from './runner.ts';

const SLOT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The London wall-clock minute of a trigger, e.g. inbox:2026-11-28T10:05. */
export function inboxKey(now: Date): string {
  return `inbox:${SLOT.format(now).replace(' ', 'T')}`;
}

export function inboxJob(): JobDefinition<JobContext> {
  return {
    name: 'inbox',
    schedule: '*/5 0,3-23 * * *',
    // The next slot is five minutes away: a retry would only run into it.
    maxAttempts: 1,
    keyAt: (now) => inboxKey(now),
    async run(ctx, _key, signal) {
      const run = await processInbox({ knex: ctx.knex, dataDir: ctx.config.dataDir, logger: ctx.logger, signal, metrics: ctx.metrics });
      const count = (status: string) => run.files.filter((f) => f.status === status).length;
      const summary = run.files.length
        ? `${count('imported')} imported, ${count('duplicate')} already imported, ${count('failed')} refused${count('error') ? `, ${count('error')} errors` : ''}${run.waiting.length ? `; ${run.waiting.length} still arriving` : ''}.`
        : run.waiting.length
          ? `${run.waiting.length} file(s) still arriving.`
          : 'Nothing to import.';
      return { summary, ...run };
    },
  };
}
