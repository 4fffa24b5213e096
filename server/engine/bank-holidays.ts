// The England and Wales bank holidays the product ships (SPEC §4.1), generated from date-holidays so
// that the list needs no hand upkeep; SECAS adds or removes days in the database from there.
import Holidays from 'date-holidays';
import { isWeekend } from './calendar.ts';

export interface BankHoliday {
  date: string;
  name: string;
}

/** Only these date-holidays types close offices; the rest (observances such as Mother's Day) do not. */
const DAY_OFF_TYPES = new Set(['public', 'bank']);

/**
 * Weekday bank holidays in England and Wales, fromYear to toYear inclusive, sorted by date.
 *
 * Checked against gov.uk's published list for 2017–2027: date-holidays has the one-off holidays
 * (2020-05-08 VE day in place of 2020-05-04, 2022-06-02/03, 2022-09-19, 2023-05-08) and every
 * substitute day, so no correction is needed; the tests pin those dates so a library update that
 * broke one would be caught.
 */
export function shippedBankHolidays(fromYear = 2017, toYear = 2035): BankHoliday[] {
  const calendar = new Holidays('GB', 'ENG');
  const byDate = new Map<string, BankHoliday>();
  for (let year = fromYear; year <= toYear; year++) {
    for (const holiday of calendar.getHolidays(year)) {
      // `date` is 'YYYY-MM-DD hh:mm:ss' in the country's own zone (unlike `start`, an instant), so
      // its first ten characters are the London calendar date whatever zone this machine is in.
      const date = holiday.date.slice(0, 10);
      // A holiday on a weekend is no Working Day lost; its substitute day, when there is one, is listed.
      if (!DAY_OFF_TYPES.has(holiday.type) || isWeekend(date) || byDate.has(date)) continue;
      byDate.set(date, { date, name: holiday.name });
    }
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
