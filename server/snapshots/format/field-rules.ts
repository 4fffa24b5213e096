// The per-field rules of SPEC §3.1 for device_type, device_status, map_id and prenotified_date,
// applied to raw bytes so the scanner's hot path never builds a string (EUI-64s live in eui64.ts).

const SPACE = 32;
const DASH = 45;
const LF = 10;
const CR = 13;
const COMMA = 44;

export const DEVICE_TYPE_EMPTY = -1;
export const DEVICE_TYPE_OTHER = 0;
export const DEVICE_TYPE_ESME = 1;
export const DEVICE_TYPE_GSME = 2;

/**
 * ESME or GSME (case-insensitive, surrounding spaces ignored), any other non-empty value, or empty.
 * Trimming is ours: SPEC §3.1 only says "case-insensitive", but a padded " ESME" silently counted
 * as out of scope would lose a meter from the figures.
 */
export function classifyDeviceType(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === SPACE) start++;
  while (end > start && buf[end - 1] === SPACE) end--;
  if (start === end) return DEVICE_TYPE_EMPTY;
  if (end - start !== 4) return DEVICE_TYPE_OTHER;
  // `| 0x20` lower-cases ASCII letters and can only map a letter's two cases onto it.
  if ((buf[start + 1]! | 0x20) !== 115 || (buf[start + 2]! | 0x20) !== 109 || (buf[start + 3]! | 0x20) !== 101) {
    return DEVICE_TYPE_OTHER;
  }
  const first = buf[start]! | 0x20;
  if (first === 101) return DEVICE_TYPE_ESME;
  if (first === 103) return DEVICE_TYPE_GSME;
  return DEVICE_TYPE_OTHER;
}

export const DEVICE_STATUS_EMPTY = -1;
export const DEVICE_STATUS_OUT_OF_SCOPE = 0;
export const DEVICE_STATUS_IN_SCOPE = 1;

const DECOMMISSIONED = Buffer.from('decommissioned', 'latin1');
const WITHDRAWN = Buffer.from('withdrawn', 'latin1');

/**
 * In scope unless Decommissioned or Withdrawn, compared case-insensitively ignoring every space
 * (`With Drawn` is Withdrawn); empty when nothing but spaces.
 */
export function classifyDeviceStatus(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === SPACE) start++;
  if (start === end) return DEVICE_STATUS_EMPTY;
  // Most statuses are settled by their first letter.
  const first = buf[start]! | 0x20;
  if (first !== DECOMMISSIONED[0] && first !== WITHDRAWN[0]) return DEVICE_STATUS_IN_SCOPE;
  let k = 0;
  let decommissioned = true;
  let withdrawn = true;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === SPACE) continue;
    const lower = c | 0x20;
    if (decommissioned && (k >= DECOMMISSIONED.length || lower !== DECOMMISSIONED[k])) decommissioned = false;
    if (withdrawn && (k >= WITHDRAWN.length || lower !== WITHDRAWN[k])) withdrawn = false;
    k++;
  }
  if (k === 0) return DEVICE_STATUS_EMPTY;
  if ((decommissioned && k === DECOMMISSIONED.length) || (withdrawn && k === WITHDRAWN.length)) {
    return DEVICE_STATUS_OUT_OF_SCOPE;
  }
  return DEVICE_STATUS_IN_SCOPE;
}

export const MAP_ID_ABSENT = 0;
export const MAP_ID_MALFORMED = -1;

/**
 * The MAP ID trimmed and upper-cased, packed into a positive int (4 bytes of A-Z/0-9) so the
 * register can be a Set<number>; MAP_ID_ABSENT when empty or only spaces, MAP_ID_MALFORMED when
 * not exactly 4 such characters. Upper-casing is ASCII only: a MAP ID is never anything else.
 */
export function mapIdKey(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === SPACE) start++;
  while (end > start && buf[end - 1] === SPACE) end--;
  if (start === end) return MAP_ID_ABSENT;
  if (end - start !== 4) return MAP_ID_MALFORMED;
  let key = 0;
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c >= 97 && c <= 122) c -= 32;
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return MAP_ID_MALFORMED;
    key = (key << 8) | c;
  }
  return key;
}

/** mapIdKey for text, e.g. a MAP register entry. */
export function mapIdKeyOf(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return mapIdKey(bytes, 0, bytes.length);
}

/** The MAP ID a key stands for. */
export function mapIdText(key: number): string {
  return String.fromCharCode((key >>> 24) & 255, (key >>> 16) & 255, (key >>> 8) & 255, key & 255);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A `YYYY-MM-DD` real calendar date (proleptic Gregorian, years 0001–9999, surrounding spaces
 * ignored) as the integer YYYYMMDD, which orders like the date; -1 when it is not one.
 */
export function parseDateBytes(buf: Uint8Array, start: number, end: number): number {
  while (start < end && buf[start] === SPACE) start++;
  while (end > start && buf[end - 1] === SPACE) end--;
  return end - start === 10 ? readDate(buf, start) : -1;
}

/**
 * The scanner's shortcut: a date spelled exactly at pos and followed by `,`, CR or LF within len
 * (the delimiter is then at pos + 10). Returns YYYYMMDD, or -1, in which case the caller finds the
 * field's end and applies parseDateBytes, so both always agree.
 */
export function matchDateAt(buf: Uint8Array, pos: number, len: number): number {
  if (pos + 10 >= len) return -1;
  const c = buf[pos + 10];
  return c === COMMA || c === LF || c === CR ? readDate(buf, pos) : -1;
}

/** The 10 bytes at start as a real date, YYYYMMDD, or -1. */
function readDate(buf: Uint8Array, start: number): number {
  if (buf[start + 4] !== DASH || buf[start + 7] !== DASH) return -1;
  const y0 = buf[start]! - 48;
  const y1 = buf[start + 1]! - 48;
  const y2 = buf[start + 2]! - 48;
  const y3 = buf[start + 3]! - 48;
  const m0 = buf[start + 5]! - 48;
  const m1 = buf[start + 6]! - 48;
  const d0 = buf[start + 8]! - 48;
  const d1 = buf[start + 9]! - 48;
  // As unsigned, a byte below '0' wraps high, so one comparison per digit checks both ends.
  if (y0 >>> 0 > 9 || y1 >>> 0 > 9 || y2 >>> 0 > 9 || y3 >>> 0 > 9) return -1;
  if (m0 >>> 0 > 9 || m1 >>> 0 > 9 || d0 >>> 0 > 9 || d1 >>> 0 > 9) return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (year < 1 || month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month))) return -1;
  return year * 10000 + month * 100 + day;
}

/** parseDateBytes for text. */
export function parseDate(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseDateBytes(bytes, 0, bytes.length);
}
