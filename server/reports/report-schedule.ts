// When each month's report is due (SPEC §5): a draft at 06:00 Europe/London on the report day — the
// n-th Working Day of the following month — for every month from the implementation date's month
// on. Pure: the job and its tests ask these questions of a date and a time.
import { addMonths, monthOf } from '../engine/calendar.ts';
import type { WorkingDays } from '../engine/working-days.ts';

export interface ReportCalendar {
  implementationDate: string;
  /** The report for month M is drafted on this Working Day of M+1. */
  reportDay: number;
  workingDays: WorkingDays;
}

export const REPORT_HOUR = 6;

/** The report day of the report about `month`. */
export function reportDayFor(month: string, calendar: ReportCalendar): string {
  return calendar.workingDays.nthWorkingDayOfMonth(addMonths(month, 1), calendar.reportDay);
}

/** The month whose report is due on `today`, or null when today is not a report day. */
export function monthDueOn(today: string, calendar: ReportCalendar): string | null {
  const month = addMonths(monthOf(today), -1);
  if (month < monthOf(calendar.implementationDate)) return null;
  return reportDayFor(month, calendar) === today ? month : null;
}

/**
 * The latest month whose report time (06:00 on its report day) has passed at London date `today`
 * and hour `hour`, or null before the first one: what a service that was down should catch up.
 */
export function latestMonthDue(today: string, hour: number, calendar: ReportCalendar): string | null {
  let month = addMonths(monthOf(today), -1);
  const day = reportDayFor(month, calendar);
  if (today < day || (today === day && hour < REPORT_HOUR)) month = addMonths(month, -1);
  return month < monthOf(calendar.implementationDate) ? null : month;
}

/** At most this many missed months are caught up at once: a year of reports. */
export const CATCH_UP_MONTHS = 12;

/**
 * The months whose report time has passed since the last month drafted (or, when none was, since
 * the first month there is a snapshot for: nothing before it could be reported), oldest first and
 * at most CATCH_UP_MONTHS of them: each report is compared with the one before, so they are made in
 * order, without gaps, and a service down for longer catches the rest up at its next start.
 */
export function monthsToCatchUp(
  today: string,
  hour: number,
  calendar: ReportCalendar,
  drafted: { last: string | null; firstSnapshot: string | null },
): string[] {
  const latest = latestMonthDue(today, hour, calendar);
  if (latest === null || drafted.firstSnapshot === null) return [];
  const candidates = [monthOf(calendar.implementationDate), monthOf(drafted.firstSnapshot), ...(drafted.last === null ? [] : [addMonths(drafted.last, 1)])];
  const months: string[] = [];
  for (let month = candidates.reduce((a, b) => (a > b ? a : b)); month <= latest && months.length < CATCH_UP_MONTHS; month = addMonths(month, 1))
    months.push(month);
  return months;
}
