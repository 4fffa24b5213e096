// The monthly report job: a draft of month M's report at 06:00 Europe/London on its report day,
// caught up once if every instance was down then, and never for a month after one whose positions
// showed every User complete. The runner's claim makes it happen once across instances.
import type { Knex } from 'knex';
import type { ReportRow } from '../db/queries/reports.ts';
import { notify } from '../server/notifications/events.ts';
import type { ReportModel } from '../server/reports/report-model.ts';
import { createViewRenderer } from '../server/templates/views.ts';
import { holidayDates } from '../server/programme/holidays.ts';
import { loadProgrammeData, positionsAt } from '../server/progress/progress-service.ts';
import { loadSettings } from '../server/programme/settings.ts';
import { addMonths, lastDayOfMonth, londonHour, londonToday } from '../server/engine/calendar.ts';
import { WorkingDays } from '../server/engine/working-days.ts';
import { generateReport } from '../server/reports/generate-report.ts';
import { monthDueOn, monthsToCatchUp, type ReportCalendar } from '../server/reports/report-schedule.ts';
import { lastReportedMonth } from '../db/queries/reports.ts';
import { firstSnapshotDate } from '../db/queries/snapshots.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './runner.ts';

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
}

const DEFAULT_DEPS: MonthlyReportDeps = {
  calendar: reportCalendar,
  stillReporting,
  drafted: async (ctx) => ({ last: await lastReportedMonth(ctx.knex), firstSnapshot: await firstSnapshotDate(ctx.knex) }),
};

export function monthlyReportJob(deps: MonthlyReportDeps = DEFAULT_DEPS): JobDefinition<JobContext> {
  return {
    name: 'monthly-report',
    // Every day at 06:00; keyAt says whether today is a report day.
    schedule: '0 6 * * *',
    maxAttempts: 5,
    async keyAt(now, ctx) {
      const month = monthDueOn(londonToday(now), await deps.calendar(ctx));
      return month && (await deps.stillReporting(ctx, month)) ? `${PREFIX}${month}` : null;
    },
    // Every month missed since the last one drafted, oldest first; the runner's claim on each key
    // makes each run once across instances, and a month after the programme finished is not made.
    async missed(now, ctx) {
      const months = monthsToCatchUp(londonToday(now), londonHour(now), await deps.calendar(ctx), await deps.drafted(ctx));
      const keys: string[] = [];
      for (const month of months) if (await deps.stillReporting(ctx, month)) keys.push(`${PREFIX}${month}`);
      return keys;
    },
    async run(ctx, key) {
      const month = key.slice(PREFIX.length);
      const services = { knex: ctx.knex, views: createViewRenderer(), browser: ctx.browser, logger: ctx.logger, metrics: ctx.metrics, onStored: tellSecas };
      const { report, model } = await generateReport(services, month, { kind: 'system', name: 'scheduler' });
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
