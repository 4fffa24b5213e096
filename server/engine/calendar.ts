// Calendar dates as 'YYYY-MM-DD' strings, and whole-day arithmetic on UTC day numbers (days since
// 1970-01-01), so that no result ever depends on the machine's time zone.

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Days since 1970-01-01 of a calendar date; works in UTC so that local clock changes cannot shift it. */
function dayNumberOf(year: number, month: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / MS_PER_DAY;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Day numbers of the dates met so far. The engine works out Working Days between the same few
 * hundred dates (snapshots, deadline, declarations, allowances) for every User, so parsing each
 * date once instead of every time was most of its work at thousands of Users. Only real dates are
 * kept, and the table is emptied when full, so it stays small whatever it is asked.
 */
const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_KEPT = 20_000;

/** True when `value` is 'YYYY-MM-DD' and names a real calendar date (no 2019-02-29). */
export function isIsoDate(value: string): boolean {
  if (dayNumbers.has(value)) return true;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  if (month < 1 || month > 12 || day < 1) return false;
  return fromDayNumber(dayNumberOf(year, month, day)) === value;
}

/** The day number of a 'YYYY-MM-DD' date; throws RangeError for anything else. */
export function toDayNumber(date: string): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  if (!isIsoDate(date)) throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const dayNumber = dayNumberOf(year, month, day);
  if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear();
  dayNumbers.set(date, dayNumber);
  return dayNumber;
}

/** The 'YYYY-MM-DD' date of a day number. */
export function fromDayNumber(dayNumber: number): string {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`Not a whole day number: ${dayNumber}`);
  const date = new Date(dayNumber * MS_PER_DAY);
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError(`Day number ${dayNumber} is outside years 0000–9999`);
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. Day 0 (1970-01-01) was a Thursday. */
export function isoWeekdayOfDayNumber(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return isoWeekdayOfDayNumber(toDayNumber(date));
}

export function isWeekend(date: string): boolean {
  return isoWeekday(date) >= 6;
}

/** True when `value` is 'YYYY-MM' with a month 01–12. */
export function isIsoMonth(value: string): boolean {
  const match = ISO_MONTH.exec(value);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

function parseMonth(month: string): [number, number] {
  if (!isIsoMonth(month)) throw new RangeError(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return month.split('-').map(Number) as [number, number];
}

/** The 'YYYY-MM' month a date falls in. */
export function monthOf(date: string): string {
  toDayNumber(date);
  return date.slice(0, 7);
}

export function firstDayOfMonth(month: string): string {
  parseMonth(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: string): string {
  const [year, monthNumber] = parseMonth(month);
  // Day 0 of the next month is the last day of this one.
  return fromDayNumber(dayNumberOf(year, monthNumber + 1, 0));
}

/** The month `count` months after `month` (negative goes back): addMonths('2019-01', -1) = '2018-12'. */
export function addMonths(month: string, count: number): string {
  const [year, monthNumber] = parseMonth(month);
  const index = year * 12 + (monthNumber - 1) + count;
  const newYear = Math.floor(index / 12);
  return `${pad(newYear, 4)}-${pad(index - newYear * 12 + 1, 2)}`;
}

// Made when first asked for: a formatter for a time zone costs 30–40 ms to make (ICU loads the
// zone's rules), which every command that merely imports this module would pay at start-up.
let londonDate: Intl.DateTimeFormat | undefined;
let londonHourFormat: Intl.DateTimeFormat | undefined;

/**
 * Whether `date` (YYYY-MM-DD) is after today in Europe/London at `now` — asked on every import, so
 * without the zone's rules unless the answer hangs on them: London's date is the UTC date, or in
 * summer the date an hour on, so only between 23:00 and midnight UTC is londonToday asked.
 */
export function isAfterLondonToday(date: string, now: Date = new Date()): boolean {
  if (date <= now.toISOString().slice(0, 10)) return false;
  if (date > new Date(now.getTime() + 3_600_000).toISOString().slice(0, 10)) return true;
  return date > londonToday(now);
}

let lastMinute = NaN;
let lastToday = '';

/** Today's date in Europe/London at instant `now` — the programme's calendar, whatever the server's zone. */
export function londonToday(now: Date = new Date()): string {
  // Asked on every page view: Intl is slow enough to be worth remembering for the minute.
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute === lastMinute) return lastToday;
  londonDate ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
  const parts = londonDate.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  lastMinute = minute;
  lastToday = `${part('year')}-${part('month')}-${part('day')}`;
  return lastToday;
}

/** The hour (0–23) in Europe/London at instant `at`: when scheduled work may run, and which report is due. */
export function londonHour(at: Date): number {
  londonHourFormat ??= new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });
  return Number(londonHourFormat.format(at));
}
