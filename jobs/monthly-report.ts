// The monthly report job: a draft of month M's report at 06:00 Europe/London on its report day,
// caught up once if every instance was down then, and never for a month after one whose positions
// showed every User complete. The runner's claim makes it happen once across instances.
import { createViewRenderer } from '../server/templates/views.ts';
import { holidayDates } from '../server/programme/holidays.ts';
import { loadProgrammeData, positionsAt } from '../server/progress/progress-service.ts';
import { loadSettings } from '../server/programme/settings.ts';
import { addMonths, lastDayOfMonth, londonHour, londonToday } from '../server/engine/calendar.ts';
import { WorkingDays } from '../server/engine/working-days.ts';
import { generateReport } from '../server/reports/generate-report.ts';
import { latestMonthDue, monthDueOn, type ReportCalendar } from '../server/reports/report-schedule.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './runner.ts';

const PREFIX = 'report:';

async function reportCalendar(ctx: JobContext): Promise<ReportCalendar> {
  const settings = await loadSettings(ctx.knex);
  return { implementationDate: settings.implementationDate, reportDay: settings.reportDay, workingDays: new WorkingDays(await holidayDates(ctx.knex)) };
}

/** Reports stop once a month's positions show every User complete (SPEC §5). */
async function stillReporting(ctx: JobContext, month: string): Promise<boolean> {
  const before = lastDayOfMonth(addMonths(month, -1));
  const positions = positionsAt(await loadProgrammeData(ctx.knex, before), before);
  return !(positions.status === 'ok' && positions.users.length > 0 && positions.programme.total.outstanding === 0);
}

export interface MonthlyReportDeps {
  calendar(ctx: JobContext): Promise<ReportCalendar>;
  stillReporting(ctx: JobContext, month: string): Promise<boolean>;
}

export function monthlyReportJob(deps: MonthlyReportDeps = { calendar: reportCalendar, stillReporting }): JobDefinition<JobContext> {
  return {
    name: 'monthly-report',
    // Every day at 06:00; keyAt says whether today is a report day.
    schedule: '0 6 * * *',
    maxAttempts: 5,
    async keyAt(now, ctx) {
      const month = monthDueOn(londonToday(now), await deps.calendar(ctx));
      return month && (await deps.stillReporting(ctx, month)) ? `${PREFIX}${month}` : null;
    },
    async missed(now, ctx) {
      const month = latestMonthDue(londonToday(now), londonHour(now), await deps.calendar(ctx));
      return month && (await deps.stillReporting(ctx, month)) ? [`${PREFIX}${month}`] : [];
    },
    async run(ctx, key) {
      const month = key.slice(PREFIX.length);
      const { report } = await generateReport({ knex: ctx.knex, views: createViewRenderer(), browser: ctx.browser, logger: ctx.logger }, month, {
        kind: 'system',
        name: 'scheduler',
      });
      return {
        summary: `Drafted version ${report.version} of the ${month} report (${report.pages} pages, positions as of ${report.as_of}).`,
        reportId: report.id,
        month,
        version: report.version,
        pages: report.pages,
        asOf: report.as_of,
      };
    },
  };
}
