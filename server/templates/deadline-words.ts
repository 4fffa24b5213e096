// The distance to the deadline (engine/deadline-distance.ts) in words, the same on the overview,
// a User's page and the PDF report: a deadline gone by reads as passed, never as so many days away.
import type { DeadlineDistance } from '../engine/deadline-distance.ts';
import { formatDate, formatNumber } from './view-helpers.ts';

function workingDays(n: number): string {
  return `${formatNumber(n)} Working Day${n === 1 ? '' : 's'}`;
}

/**
 * `today` says whether `on` is the reader's today ("ago", "away") or a date of its own (a report's
 * month end, an asked as-of date: "before 31 Jul 2020", "after").
 */
export function deadlineWords(distance: DeadlineDistance, today: boolean): string {
  const from = today ? '' : ` ${formatDate(distance.on)}`;
  switch (distance.state) {
    case 'none':
      return 'No Panel deadline is set.';
    case 'today':
      return today
        ? `Panel deadline today, ${formatDate(distance.deadline)}.`
        : `Panel deadline ${formatDate(distance.deadline)}, the day these figures are for.`;
    case 'ahead':
      return `Panel deadline ${formatDate(distance.deadline)}, ${workingDays(distance.wd)} ${today ? 'away' : `after${from}`}.`;
    case 'passed':
      return `Deadline passed on ${formatDate(distance.deadline)}, ${workingDays(distance.wd)} ${today ? 'ago' : `before${from}`}.`;
  }
}
