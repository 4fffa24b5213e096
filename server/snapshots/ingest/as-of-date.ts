// The as-of date of an upload (SPEC §3.1): the one given with it, else a date in the file name;
// never a day after today in London, which no extract can be of.
import path from 'node:path';
import { isAfterLondonToday, isIsoDate, londonToday } from '../../engine/calendar.ts';

export type AsOfResolution = { ok: true; asOf: string; from: 'given' | 'file name' } | { ok: false; reason: string };

/**
 * The first real date written YYYYMMDD or YYYY-MM-DD in the file's name (not its folder), not
 * part of a longer run of digits; null when there is none.
 */
export function dateInFileName(fileName: string): string | null {
  const name = path.basename(fileName.replaceAll('\\', '/'));
  for (const match of name.matchAll(/(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)/g)) {
    const date = `${match[1]}-${match[3]}-${match[4]}`;
    if (isIsoDate(date)) return date;
  }
  return null;
}

const HOW_TO_GIVE = "YYYY-MM-DD: --as-of on the command line, the form's as-of field, the API's asOf parameter";

/**
 * `given`: as typed by the person or system (empty or undefined when not given). `today`: the
 * London calendar date now (a parameter for tests; by default now's), as SPEC §3.3 keeps every
 * date in Europe/London.
 */
export function resolveAsOf(given: string | undefined, fileName: string, today?: string): AsOfResolution {
  const afterToday = (date: string): boolean => (today === undefined ? isAfterLondonToday(date) : date > today);
  const todayText = (): string => today ?? londonToday();
  const typed = given?.trim() ?? '';
  const name = JSON.stringify(path.basename(fileName));
  if (typed !== '') {
    if (!isIsoDate(typed)) return { ok: false, reason: `the as-of date ${JSON.stringify(typed)} is not a real date written YYYY-MM-DD` };
    if (afterToday(typed)) {
      return {
        ok: false,
        reason: `the as-of date ${typed} is after today (${todayText()} in London): a snapshot can only be of a day that has begun; give the date the extract was taken`,
      };
    }
    return { ok: true, asOf: typed, from: 'given' };
  }
  const fromName = dateInFileName(fileName);
  if (fromName !== null && afterToday(fromName)) {
    return {
      ok: false,
      reason: `the date ${fromName} in the file name (${name}) is after today (${todayText()} in London), so it cannot be the as-of date; give the as-of date with the file (${HOW_TO_GIVE})`,
    };
  }
  if (fromName !== null) return { ok: true, asOf: fromName, from: 'file name' };
  return {
    ok: false,
    reason: `no as-of date: give one with the file (${HOW_TO_GIVE}), or put it in the file name as YYYYMMDD or YYYY-MM-DD (${name} holds no date)`,
  };
}
