// Why a snapshot row is rejected, in words that name the field and quote what it held. Only runs
// for rejected rows, so it may build strings; the verdicts come from the same rules the scanner uses.
import { isUtf8 } from 'node:buffer';
import { parseEui64Bytes } from './eui64.ts';
import { classifyDeviceStatus, classifyDeviceType, DEVICE_STATUS_EMPTY, DEVICE_TYPE_EMPTY, parseDateBytes } from './field-rules.ts';
import {
  REQUIRED_COLUMNS,
  SLOT_DEVICE_ID,
  SLOT_DEVICE_STATUS,
  SLOT_DEVICE_TYPE,
  SLOT_MAP_ID,
  SLOT_PRENOTIFIED_DATE,
  SLOT_RESPONSIBLE_USER_ID,
} from './header.ts';

/**
 * A row with a required field longer than this is rejected. It bounds what the scanner copies for
 * a row that straddles chunks; no real value comes anywhere near it, and judging the rest of a
 * field that was not kept (is a 5 000-byte map_id "only spaces"?) would be guesswork.
 */
export const MAX_FIELD_BYTES = 4096;

const SHOWN_CHARACTERS = 60;
const SPACE = 32;

/** A field's value for a message: JSON-quoted (so control characters show), cut to a readable length. */
export function showValue(buf: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', start, Math.min(end, start + 4 * SHOWN_CHARACTERS));
  const cut = end - start > 4 * SHOWN_CHARACTERS || text.length > SHOWN_CHARACTERS;
  return JSON.stringify(cut ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text);
}

/** The usual names of the C0 control characters, by code. */
const CONTROL_NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * Why a required field's bytes cannot be a value, or null: a C0 control character (tab is allowed,
 * as some exporters pad with it), a line break (allowed by RFC 4180 inside quotes, but never part
 * of an id, type, status, MAP ID or date — it is what a row broken mid-field looks like), or bytes
 * that are not UTF-8. Such a value would otherwise be counted, e.g. "Comm\0issioned" as a status.
 * DEL (0x7F) is ASCII, not a C0 control, and no writer is known to produce it: it is left to the
 * field's own rule, which spares the scanner's fast path one more comparison a byte.
 */
export function characterProblem(buf: Uint8Array, start: number, end: number): string | null {
  let wide = false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === LF || c === CR) return `contains a line break (${CONTROL_NAMES[c]})`;
    if (c < 32 && c !== TAB) return `contains a control character (${CONTROL_NAMES[c]})`;
    if (c >= 0x80) wide = true;
  }
  return wide && !isUtf8(buf.subarray(start, end)) ? 'is not valid UTF-8' : null;
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== SPACE) return false;
  return true;
}

const EUI64_RULE = '16 hex digits, bare or as 8 pairs joined by "-" or ":"';

/**
 * The problems of a row whose fields are at [starts[slot], ends[slot]) of buf, one sentence each,
 * in column order. Empty when the row breaks no field rule (a duplicate is the caller's to say).
 */
export function rowProblems(buf: Uint8Array, starts: Int32Array, ends: Int32Array): string[] {
  const problems: string[] = [];
  const ids = new Int32Array(2);
  /** Adds the field's character problem, if any; true when it has none. */
  const characterCheck = (slot: number): boolean => {
    const problem = characterProblem(buf, starts[slot]!, ends[slot]!);
    if (problem === null) return true;
    problems.push(`${REQUIRED_COLUMNS[slot]!} ${showValue(buf, starts[slot]!, ends[slot]!)} ${problem}`);
    return false;
  };
  const check = (slot: number, valid: (start: number, end: number) => boolean, rule: string): void => {
    const name = REQUIRED_COLUMNS[slot]!;
    const start = starts[slot]!;
    const end = ends[slot]!;
    if (end - start > MAX_FIELD_BYTES) problems.push(`${name} is longer than ${MAX_FIELD_BYTES} bytes`);
    else if (isBlank(buf, start, end)) problems.push(`${name} is empty`);
    else if (characterCheck(slot) && !valid(start, end)) problems.push(`${name} ${showValue(buf, start, end)} ${rule}`);
  };
  const isEui64 = (start: number, end: number): boolean => parseEui64Bytes(buf, start, end, ids, 0);
  check(SLOT_DEVICE_ID, isEui64, `is not an EUI-64 (${EUI64_RULE})`);
  check(SLOT_DEVICE_TYPE, (s, e) => classifyDeviceType(buf, s, e) !== DEVICE_TYPE_EMPTY, '');
  check(SLOT_DEVICE_STATUS, (s, e) => classifyDeviceStatus(buf, s, e) !== DEVICE_STATUS_EMPTY, '');
  check(SLOT_RESPONSIBLE_USER_ID, isEui64, `is not an EUI-64 (${EUI64_RULE})`);
  // Any other map_id is accepted (and counted as invalid); only its length and characters reject the row.
  if (ends[SLOT_MAP_ID]! - starts[SLOT_MAP_ID]! > MAX_FIELD_BYTES) problems.push(`map_id is longer than ${MAX_FIELD_BYTES} bytes`);
  else characterCheck(SLOT_MAP_ID);
  check(SLOT_PRENOTIFIED_DATE, (s, e) => parseDateBytes(buf, s, e) >= 0, 'is not a real date in the form YYYY-MM-DD');
  return problems;
}
