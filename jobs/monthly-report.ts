// The monthly report job: a draft of month M's report at 06:00 Europe/London on its report day,
// caught up once if every instance was down then, and never for a month after one whose positions
// showed every User complete. The runner's claim makes it happen once across instances.
import type { Knex } from 'knex';
import type { ReportRow } from '../db/queries/reports.ts';
import { notify } from '../server/notifications/events.ts';
import type { ReportModel } from '../server/reports/report-model.ts';
import { createViewRenderer } from '../server/templates/views.ts';
import { formatDate, formatMonth } from '../server/templates/view-helpers.ts';
import { holidayDates } from '../server/programme/holidays.ts';
import { loadProgrammeData, positionsAt } from '../server/progress/progress-service.ts';
import { loadSettings } from '../server/programme/settings.ts';
import { addMonths, lastDayOfMonth, londonHour, londonToday } from '../server/engine/calendar.ts';
import { WorkingDays } from '../server/engine/working-days.ts';
import { latestMonthDue, monthDueOn, monthsToCatchUp, type ReportCalendar } from '../server/reports/report-schedule.ts';
import { lastReportedMonth } from '../db/queries/reports.ts';
import { hasRun } from '../db/queries/job-runs.ts';
import { firstSnapshotDate } from '../db/queries/snapshots.ts';
import { generateReport, NoSnapshotForMonthError } from '../server/reports/generate-report.ts';
import type { JobContext } from './context.ts';
import { RunSkipped, type JobDefinition } from './runner.ts';

const PREFIX = 'report:';

async function reportCalendar(ctx: JobContext): Promise<ReportCalendar> {
  const settings = await loadSettings(ctx.knex);
  return { implementationDate: settings.implementationDate, reportDay: settings.reportDay, workingDays: new WorkingDays(await holidayDates(ctx.knex)) };
}

/**
 * Whether month M's report is to be made: there is a snapshot to build it from, and reports have not
 * stopped — they stop once a month's positions show every User complete (SPEC §5). A month before
 * the first snapshot is skipped rather than failed, so catching up a new installation tries only
 * the months it can report on.
 */
async function stillReporting(ctx: JobContext, month: string): Promise<boolean> {
  const end = lastDayOfMonth(month);
  const before = lastDayOfMonth(addMonths(month, -1));
  const data = await loadProgrammeData(ctx.knex, end);
  if (positionsAt(data, end).status !== 'ok') return false;
  const positions = positionsAt(data, before);
  return !(positions.status === 'ok' && positions.users.length > 0 && positions.programme.total.outstanding === 0);
}

/** The draft is ready: SECAS is told (saying so when its data is stale), in the transaction that stores it. */
async function tellSecas(trx: Knex, report: ReportRow, model: ReportModel): Promise<void> {
  const { staleness } = model;
  await notify(trx, 'report.drafted', {
    id: String(report.id),
    payload: {
      reportId: report.id,
      month: report.month,
      version: report.version,
      asOf: report.as_of,
      pages: report.pages,
      scheduled: true,
      stale: staleness.stale,
      noNewSnapshot: staleness.noNewSnapshot,
      tooOld: staleness.tooOld,
      ageWd: staleness.ageWd,
    },
  });
}

export interface MonthlyReportDeps {
  calendar(ctx: JobContext): Promise<ReportCalendar>;
  stillReporting(ctx: JobContext, month: string): Promise<boolean>;
  /** The latest month with any version drafted, and the first snapshot's as-of date (null when none). */
  drafted(ctx: JobContext): Promise<{ last: string | null; firstSnapshot: string | null }>;
  /** Whether a run of this key is on record already, whatever its outcome. */
  recorded(ctx: JobContext, key: string): Promise<boolean>;
}

const DEFAULT_DEPS: MonthlyReportDeps = {
  calendar: reportCalendar,
  stillReporting,
  drafted: async (ctx) => ({ last: await lastReportedMonth(ctx.knex), firstSnapshot: await firstSnapshotDate(ctx.knex) }),
  recorded: (ctx, key) => hasRun(ctx.knex, 'monthly-report', key),
};

/** The run's outcome when there is no snapshot at all: a new installation, not a fault. */
export const WAITING_FOR_FIRST_SNAPSHOT = 'waiting for a first snapshot';

function waiting(month: string, firstSnapshot: string | null): RunSkipped {
  const summary =
    firstSnapshot === null
      ? `Skipped the ${formatMonth(month)} report: waiting for a first snapshot. It is drafted once one is imported.`
      : `Skipped the ${formatMonth(month)} report: no snapshot is dated on or before the month's end (the first is of ${formatDate(firstSnapshot)}).`;
  return new RunSkipped({ summary, outcome: firstSnapshot === null ? WAITING_FOR_FIRST_SNAPSHOT : 'no snapshot for the month', month });
}

export function monthlyReportJob(overrides: Partial<MonthlyReportDeps> = {}): JobDefinition<JobContext> {
  const deps: MonthlyReportDeps = { ...DEFAULT_DEPS, ...overrides };
  return {
    name: 'monthly-report',
    // Every day at 06:00; keyAt says whether today is a report day.
    schedule: '0 6 * * *',
    maxAttempts: 5,
    async keyAt(now, ctx) {
      const month = monthDueOn(londonToday(now), await deps.calendar(ctx));
      if (month === null) return null;
      // With no snapshot at all the run is still recorded, as waiting, so Job runs shows the job alive.
      if ((await deps.drafted(ctx)).firstSnapshot === null) return `${PREFIX}${month}`;
      return (await deps.stillReporting(ctx, month)) ? `${PREFIX}${month}` : null;
    },
    // Every month missed since the last one drafted, oldest first; the runner's claim on each key
    // makes each run once across instances, and a month after the programme finished is not made.
    // A new installation with no snapshot records the latest month due once, as waiting, not at every start.
    async missed(now, ctx) {
      const calendar = await deps.calendar(ctx);
      const drafted = await deps.drafted(ctx);
      if (drafted.firstSnapshot === null) {
        const latest = latestMonthDue(londonToday(now), londonHour(now), calendar);
        return latest !== null && !(await deps.recorded(ctx, `${PREFIX}${latest}`)) ? [`${PREFIX}${latest}`] : [];
      }
      const keys: string[] = [];
      for (const month of monthsToCatchUp(londonToday(now), londonHour(now), calendar, drafted))
        if (await deps.stillReporting(ctx, month)) keys.push(`${PREFIX}${month}`);
      return keys;
    },
    async run(ctx, key) {
      const month = key.slice(PREFIX.length);
      const services = { knex: ctx.knex, views: createViewRenderer(), browser: ctx.browser, logger: ctx.logger, metrics: ctx.metrics, onStored: tellSecas };
      let generated;
      try {
        generated = await generateReport(services, month, { kind: 'system', name: 'scheduler' });
      } catch (err) {
        // Nothing to build from is a state to wait out, not a fault to retry and alarm about.
        if (err instanceof NoSnapshotForMonthError) return waiting(month, (await deps.drafted(ctx)).firstSnapshot);
        throw err;
      }
      const { report, model } = generated;
      return {
        summary:
          `Drafted version ${report.version} of the ${month} report (${report.pages} pages, positions as of ${report.as_of}).` +
          (model.staleness.stale ? ' Stale data: the newest snapshot is old, or none arrived since the last report; the cover says so.' : ''),
        stale: model.staleness.stale,
        reportId: report.id,
        month,
        version: report.version,
        pages: report.pages,
        asOf: report.as_of,
      };
    },
  };
}
