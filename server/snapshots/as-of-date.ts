// The as-of date of an upload (SPEC §3.1): the one given with it, else a date in the file name.
import path from 'node:path';
import { isIsoDate } from '../progress/calendar.ts';

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

/** `given`: as typed by the person or system (empty or undefined when not given). */
export function resolveAsOf(given: string | undefined, fileName: string): AsOfResolution {
  const typed = given?.trim() ?? '';
  if (typed !== '') {
    return isIsoDate(typed)
      ? { ok: true, asOf: typed, from: 'given' }
      : { ok: false, reason: `the as-of date ${JSON.stringify(typed)} is not a real date written YYYY-MM-DD` };
  }
  const fromName = dateInFileName(fileName);
  if (fromName !== null) return { ok: true, asOf: fromName, from: 'file name' };
  return {
    ok: false,
    reason:
      `no as-of date: give one with the file (YYYY-MM-DD: --as-of on the command line, the form's as-of field, ` +
      `the API's asOf parameter), or put it in the file name as YYYYMMDD or YYYY-MM-DD ` +
      `(${JSON.stringify(path.basename(fileName))} holds no date)`,
  };
}
