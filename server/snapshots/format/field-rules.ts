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
  return end - start === 10 ? readDate(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), start) : -1;
}

/**
 * The scanner's shortcut: a date spelled exactly at pos and followed by `,`, CR or LF within len
 * (the delimiter is then at pos + 10). Returns YYYYMMDD, or -1, in which case the caller finds the
 * field's end and applies parseDateBytes, so both always agree. `view`: a DataView of buf.
 */
export function matchDateAt(buf: Uint8Array, view: DataView, pos: number, len: number): number {
  if (pos + 10 >= len) return -1;
  const c = buf[pos + 10];
  return c === COMMA || c === LF || c === CR ? readDate(view, pos) : -1;
}

/**
 * The 10 bytes at start as a real date, YYYYMMDD, or -1. Read as two words and a half-word of a
 * DataView of the bytes: the digits are checked four at a time and taken out of the words by
 * shifts, a third of the loads of reading the date byte by byte (it is on every row).
 */
function readDate(view: DataView, start: number): number {
  const yearDigits = digitsOf(view.getUint32(start, true));
  const middle = view.getUint32(start + 4, true);
  if ((middle & 0xff) !== DASH || middle >>> 24 !== DASH) return -1;
  // The month's two digits, then the day's.
  const monthDay = digitsOf(((middle >>> 8) & 0xffff) | (view.getUint16(start + 8, true) << 16));
  if (yearDigits < 0 || monthDay < 0) return -1;
  const year = (yearDigits & 0xff) * 1000 + ((yearDigits >>> 8) & 0xff) * 100 + ((yearDigits >>> 16) & 0xff) * 10 + (yearDigits >>> 24);
  const month = (monthDay & 0xff) * 10 + ((monthDay >>> 8) & 0xff);
  const day = ((monthDay >>> 16) & 0xff) * 10 + (monthDay >>> 24);
  if (year < 1 || month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month))) return -1;
  return year * 10000 + month * 100 + day;
}

/**
 * Four bytes (little-endian in a word) as four digit values in the same places, or -1 unless each
 * is '0' to '9'. Xor-ed with '0', a digit is 0 to 9: the high half of every byte must be clear
 * (only '0' to '?' pass), and adding 6 must not set it (which rules out ':' to '?'); no byte then
 * carries into the next.
 */
function digitsOf(word: number): number {
  const values = word ^ 0x30303030;
  if ((values & 0xf0f0f0f0) !== 0 || ((values + 0x06060606) & 0xf0f0f0f0) !== 0) return -1;
  return values;
}

/** parseDateBytes for text. */
export function parseDate(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return parseDateBytes(bytes, 0, bytes.length);
}
