// Working Days (SPEC §4.1): not a Saturday, a Sunday or a bank holiday. Counting is closed-form
// arithmetic over weekdays minus a binary search over the holidays, so it is exact for any date.
import { firstDayOfMonth, fromDayNumber, isoWeekdayOfDayNumber, lastDayOfMonth, toDayNumber } from './calendar.ts';

// Weekday counts are measured from Monday 1970-01-05 (day number 4); any Monday would do, because
// only differences of counts are ever used.
const MONDAY = 4;

/** Weekdays (Mon–Fri) among day numbers up to and including `day`, from an arbitrary origin. */
function weekdaysUpTo(day: number): number {
  const sinceMonday = day - MONDAY;
  const weeks = Math.floor(sinceMonday / 7);
  const dayOfWeek = sinceMonday - weeks * 7; // 0 = Monday … 6 = Sunday
  return weeks * 5 + Math.min(dayOfWeek + 1, 5);
}

/** The first day whose weekdaysUpTo is at least `count` (always a weekday): the inverse of weekdaysUpTo. */
function firstDayWithWeekdays(count: number): number {
  const weeks = Math.floor((count - 1) / 5);
  return MONDAY + weeks * 7 + (count - 1 - weeks * 5);
}

export class WorkingDays {
  /** Holidays that fall on weekdays, as sorted day numbers; weekend holidays change nothing. */
  private readonly weekdayHolidays: number[];
  private readonly holidaySet: ReadonlySet<number>;

  constructor(holidays: Iterable<string>) {
    const days = new Set<number>();
    for (const date of holidays) {
      const day = toDayNumber(date);
      if (isoWeekdayOfDayNumber(day) <= 5) days.add(day);
    }
    this.holidaySet = days;
    this.weekdayHolidays = [...days].sort((a, b) => a - b);
  }

  isWorkingDay(date: string): boolean {
    const day = toDayNumber(date);
    return isoWeekdayOfDayNumber(day) <= 5 && !this.holidaySet.has(day);
  }

  /** The number of Working Days d with a < d ≤ b; 0 when b ≤ a. */
  wdBetween(a: string, b: string): number {
    const from = toDayNumber(a);
    const to = toDayNumber(b);
    return to <= from ? 0 : this.workingDaysUpTo(to) - this.workingDaysUpTo(from);
  }

  /** The Working Day d with wdBetween(a, d) = n, for a whole n ≥ 1. */
  addWd(a: string, n: number): string {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`addWd needs a whole number of Working Days ≥ 1, not ${n}`);
    }
    const target = this.workingDaysUpTo(toDayNumber(a)) + n;
    // Wanted: the first day with weekdays − holidays ≥ target. Guess the day as if the holidays seen
    // so far were all, then move on by the holidays that guess passes; the guesses only grow and stop
    // at the answer (a fixed point), after as many rounds as there are clusters of holidays crossed.
    let day = toDayNumber(a);
    for (;;) {
      const next = firstDayWithWeekdays(target + this.holidaysUpTo(day));
      if (next === day) return fromDayNumber(day);
      day = next;
    }
  }

  /** The n-th Working Day of month 'YYYY-MM' (the report day is the 5th); RangeError if the month has fewer. */
  nthWorkingDayOfMonth(month: string, n: number): string {
    const date = this.addWd(fromDayNumber(toDayNumber(firstDayOfMonth(month)) - 1), n);
    if (date > lastDayOfMonth(month)) throw new RangeError(`${month} has fewer than ${n} Working Days`);
    return date;
  }

  /** Working Days up to and including `day`, from the same arbitrary origin as weekdaysUpTo. */
  private workingDaysUpTo(day: number): number {
    return weekdaysUpTo(day) - this.holidaysUpTo(day);
  }

  /** How many weekday holidays are on or before `day` (binary search). */
  private holidaysUpTo(day: number): number {
    let low = 0;
    let high = this.weekdayHolidays.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.weekdayHolidays[middle] ?? Infinity) <= day) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
