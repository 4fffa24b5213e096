// The rules every reference-data value is checked by, the same for a CSV row and a web form field,
// so a mistake gets the same sentence wherever it is made.
import { normaliseEui64 } from '../snapshots/format/eui64.ts';
import { isIsoDate, isoWeekday } from '../engine/calendar.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** A rule reads one raw field (already without its surrounding spaces) into a value or a sentence. */
export type Rule<T> = (raw: string) => Checked<T>;

export const valid = <T>(value: T): Checked<T> => ({ ok: true, value });
export const invalid = <T>(error: string): Checked<T> => ({ ok: false, error });

/** How a raw value is quoted in a message: short, and visibly empty when it is. */
export function shown(raw: string): string {
  if (raw === '') return 'an empty value';
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** Nothing given is a different mistake from something wrong given, and is told differently. */
function missingOr<T>(raw: string, missing: string, wrong: string): Checked<T> {
  return invalid(raw === '' ? missing : `${shown(raw)} ${wrong}`);
}

const EUI64_HINT = 'write 16 hex digits, bare or as 8 pairs joined by - or : (e.g. 90-B3-D5-1F-30-01-00-0A)';

/** A User ID, normalised as the snapshot rules do (SPEC §3.1): upper-case hex pairs joined by '-'. */
export const userIdRule: Rule<string> = (raw) => {
  const id = normaliseEui64(raw);
  return id ? valid(id) : missingOr(raw, `no User ID is given: ${EUI64_HINT}`, `is not a User ID: ${EUI64_HINT}`);
};

export const dateRule: Rule<string> = (raw) =>
  isIsoDate(raw) ? valid(raw) : missingOr(raw, 'no date is given: write it YYYY-MM-DD', 'is not a real date written YYYY-MM-DD');

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function weekdayName(date: string): string {
  return WEEKDAY_NAMES[isoWeekday(date) - 1] ?? '';
}

/** A whole number from 0 to max (counts and allowances cannot be negative or fractional). */
export function wholeNumberRule(max: number): Rule<number> {
  return (raw) => {
    // Thousands separators as a spreadsheet writes them (10,000) are accepted; nothing looser.
    if (!/^(\d+|\d{1,3}(,\d{3})+)$/.test(raw))
      return missingOr(raw, 'no number is given: write a whole number of 0 or more', 'is not a whole number of 0 or more');
    const value = Number(raw.replaceAll(',', ''));
    return value <= max ? valid(value) : invalid(`${shown(raw)} is more than ${max.toLocaleString('en-GB')}`);
  };
}

/**
 * Exports guard text a spreadsheet would run as a formula with a leading ' (server/safe-csv.ts);
 * reading it back drops that quote, so an exported file imports unchanged.
 */
function unguarded(raw: string): string {
  return /^'[=+\-@\t\r]/.test(raw) ? raw.slice(1) : raw;
}

/** Required text of at most `max` characters, inner runs of spaces kept as written. */
export function textRule(what: string, max: number): Rule<string> {
  return (given) => {
    const raw = unguarded(given);
    if (raw === '') return invalid(`${what} is empty; it is required`);
    return raw.length <= max ? valid(raw) : invalid(`${what} is longer than ${max} characters`);
  };
}

/** Optional text: empty means none. */
export function optionalTextRule(what: string, max: number): Rule<string | null> {
  return (given) => {
    const raw = unguarded(given);
    if (raw === '') return valid(null);
    return raw.length <= max ? valid(raw) : invalid(`${what} is longer than ${max} characters`);
  };
}

/** A MAP ID as the snapshot rules define a valid one (SPEC §3.1): 4 characters A–Z / 0–9, any case. */
export const mapIdRule: Rule<string> = (raw) => {
  const value = raw.toUpperCase();
  return /^[A-Z0-9]{4}$/.test(value)
    ? valid(value)
    : missingOr(raw, 'no MAP ID is given: write exactly 4 letters or digits', 'is not a MAP ID: exactly 4 letters or digits');
};
