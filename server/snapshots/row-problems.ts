// Why a snapshot row is rejected, in words that name the field and quote what it held. Only runs
// for rejected rows, so it may build strings; the verdicts come from the same rules the scanner uses.
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
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString(
    'utf8',
    start,
    Math.min(end, start + 4 * SHOWN_CHARACTERS),
  );
  const cut = end - start > 4 * SHOWN_CHARACTERS || text.length > SHOWN_CHARACTERS;
  return JSON.stringify(cut ? `${text.slice(0, SHOWN_CHARACTERS)}…` : text);
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
  const check = (slot: number, valid: (start: number, end: number) => boolean, rule: string): void => {
    const name = REQUIRED_COLUMNS[slot]!;
    const start = starts[slot]!;
    const end = ends[slot]!;
    if (end - start > MAX_FIELD_BYTES) problems.push(`${name} is longer than ${MAX_FIELD_BYTES} bytes`);
    else if (isBlank(buf, start, end)) problems.push(`${name} is empty`);
    else if (!valid(start, end)) problems.push(`${name} ${showValue(buf, start, end)} ${rule}`);
  };
  const isEui64 = (start: number, end: number): boolean => parseEui64Bytes(buf, start, end, ids, 0);
  check(SLOT_DEVICE_ID, isEui64, `is not an EUI-64 (${EUI64_RULE})`);
  check(SLOT_DEVICE_TYPE, (s, e) => classifyDeviceType(buf, s, e) !== DEVICE_TYPE_EMPTY, '');
  check(SLOT_DEVICE_STATUS, (s, e) => classifyDeviceStatus(buf, s, e) !== DEVICE_STATUS_EMPTY, '');
  check(SLOT_RESPONSIBLE_USER_ID, isEui64, `is not an EUI-64 (${EUI64_RULE})`);
  // Any other map_id is accepted (and counted as invalid); only its length rejects the row.
  if (ends[SLOT_MAP_ID]! - starts[SLOT_MAP_ID]! > MAX_FIELD_BYTES) problems.push(`map_id is longer than ${MAX_FIELD_BYTES} bytes`);
  check(SLOT_PRENOTIFIED_DATE, (s, e) => parseDateBytes(buf, s, e) >= 0, 'is not a real date in the form YYYY-MM-DD');
  return problems;
}
