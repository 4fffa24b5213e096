// The real schedule of the monthly report (croner), driven through 2026 with a faked clock: it
// fires at 06:00 London time every day — across the March and October clock changes — and produces
// each month's report key once, on that month's report day.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { JobContext } from '../../../jobs/context.ts';
import { monthlyReportJob } from '../../../jobs/monthly-report.ts';
import { startScheduler } from '../../../jobs/scheduler.ts';
import { createLogger } from '../../../server/logger.ts';
import { reportDayFor } from '../../../server/reports/report-schedule.ts';
import { WORKING_DAYS } from '../engine/build-inputs.ts';

const calendar = { implementationDate: '2018-06-28', reportDay: 5, workingDays: WORKING_DAYS };
const ctx = { logger: createLogger('silent') } as unknown as JobContext;

function london(instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'short', timeStyle: 'short' }).format(instant);
}

describe('the monthly report schedule across a year of clock changes', () => {
  afterEach(() => mock.timers.reset());

  it('fires once a day at 06:00 London time and once a month for the report', async () => {
    const machineZone = process.env.TZ;
    const definition = monthlyReportJob({
      calendar: () => Promise.resolve(calendar),
      stillReporting: () => Promise.resolve(true),
      drafted: () => Promise.resolve({ last: null, firstSnapshot: '2018-07-02' }),
    });
    const triggers: Date[] = [];
    const keys: Array<{ key: string; at: Date }> = [];
    const runner = {
      trigger: async (def: typeof definition) => {
        const at = new Date();
        triggers.push(at);
        const key = await def.keyAt(at, ctx);
        if (key) keys.push({ key, at });
        return null;
      },
      retryDue: () => Promise.resolve([]),
      catchUp: () => Promise.resolve([]),
      stop: () => Promise.resolve(),
    };
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.parse('2025-12-31T12:00:00Z') });
    // Retries are checked every minute in service; once a day is enough here and keeps the year quick.
    const scheduler = startScheduler<JobContext>(runner, [definition], ctx.logger, { retrySchedule: '30 12 * * *' });
    const end = Date.parse('2026-12-31T12:00:00Z');
    while (Date.now() < end) {
      mock.timers.tick(30 * 60_000);
      // Let the scheduler's callbacks run and re-arm its next timer before the clock moves on.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    await scheduler.stop();
    assert.equal(process.env.TZ, machineZone, "the scheduler leaves the process's time zone as it found it");

    // Every day of 2026 once (1 Jan – 31 Dec), each at 06:00 in London: 05:00 UTC in summer time.
    assert.equal(triggers.length, 365);
    assert.ok(
      triggers.every((t) => london(t).endsWith(', 06:00')),
      triggers
        .map(london)
        .filter((t) => !t.endsWith('06:00'))
        .join(' | '),
    );
    const utcHours = new Set(triggers.map((t) => `${t.toISOString().slice(0, 10)} ${t.getUTCHours()}`));
    assert.ok(utcHours.has('2026-03-28 6') && utcHours.has('2026-03-30 5'), 'BST starts on 29 March');
    assert.ok(utcHours.has('2026-10-24 5') && utcHours.has('2026-10-26 6'), 'GMT resumes on 25 October');

    // One report a month: December 2025's to November 2026's, each on its report day at 06:00.
    const expected = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];
    assert.deepEqual(
      keys.map((k) => k.key),
      expected.map((m) => `report:${m}`),
    );
    for (const { key, at } of keys) {
      const day = reportDayFor(key.slice('report:'.length), calendar);
      assert.equal(london(at), `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}, 06:00`);
    }
  });
});
