// The row rules of the snapshot scanner (SPEC §3.2): a row whose required fields have been found
// (by the framing, csv-framing.ts and fast-rows.ts) is judged by the field rules, then counted for
// its User or rejected with its reasons. The bottom layer of the scanner (see scanner.ts).
//
// Row-level problems (a field breaking its rule, a duplicate device_id, the wrong number of fields)
// reject the row and scanning goes on: the row's framing is intact, so every other row is still
// read right. A required field holding a C0 control character (tab aside), a line break or bytes
// that are not UTF-8 rejects its row, naming the field: such a value would otherwise be counted as,
// say, a device status (the framing notes such bytes; row-problems.ts judges them exactly).
//
// Duplicate detection is deferred to the end (duplicate-finder.ts), so the scan itself never waits
// on a cache miss: every row is counted as it comes and logged with a code that says where it was
// counted, so that a row found at the end to repeat an earlier device_id can be taken back.
import { formatEui64, parseEui64Bytes } from './eui64.ts';
import {
  classifyDeviceStatus,
  classifyDeviceType,
  DEVICE_STATUS_IN_SCOPE,
  DEVICE_TYPE_ESME,
  DEVICE_TYPE_OTHER,
  mapIdKey,
  mapIdKeyOf,
  MAP_ID_ABSENT,
  MAP_ID_MALFORMED,
  parseDate,
  parseDateBytes,
} from './field-rules.ts';
import {
  REQUIRED_COLUMNS,
  SLOT_DEVICE_ID,
  SLOT_DEVICE_STATUS,
  SLOT_DEVICE_TYPE,
  SLOT_MAP_ID,
  SLOT_PRENOTIFIED_DATE,
  SLOT_RESPONSIBLE_USER_ID,
} from './header.ts';
import { characterProblem, MAX_FIELD_BYTES, rowProblems } from './row-problems.ts';
import { DuplicateFinder } from './duplicate-finder.ts';
import { CATEGORY_NONE, CountsTable, MAP_STATE_ABSENT, MAP_STATE_INVALID, MAP_STATE_VALID, meterCategory } from './user-counts.ts';
import type { OutstandingDevice, Rejection, ScannerOptions, ScanPart } from './scan-types.ts';

export const SLOT_COUNT = REQUIRED_COLUMNS.length;
const DEFAULT_MAX_REJECTED_KEPT = 10_000;
/** meterCategory() values fit below this; a logged row's code is User * CATEGORY_CODES + category. */
const CATEGORY_CODES = 16;
/** The code of a row logged only so that its device_id counts as seen. */
const REJECTED_CODE = -1;

/**
 * Judges and counts rows whose required fields are at starts/ends of the buffer they are in. A
 * class the framing extends rather than an object it calls, so that the hot loop's calls stay
 * method calls on one object of one shape (see scanner.ts).
 */
export abstract class RowRules {
  private readonly implementationDate: number;
  private readonly mapRegister: Set<number> | null;
  protected readonly maxUsers: number;
  private readonly maxKept: number;
  private readonly sink: ((line: number, reason: string) => void) | null;
  /** outstandingOf's User as int32 halves, and where its rows go. */
  private readonly watchHi: number = 0;
  private readonly watchLo: number = 0;
  private readonly watch: ((device: OutstandingDevice) => void) | null = null;
  protected readonly devices = new DuplicateFinder();
  protected readonly counts: CountsTable;
  protected kept: Rejection[] = [];
  protected rejectedRows = 0;
  /** Logged rows whose device_id was on an earlier row. */
  protected repeatedIds = 0;
  /** The fields a row must have: the header's. */
  protected columnCount = 0;

  /** The current row's required fields, as [starts[slot], ends[slot]) of the buffer it is in. */
  protected readonly starts = new Int32Array(SLOT_COUNT);
  protected readonly ends = new Int32Array(SLOT_COUNT);
  /** device_id then responsible_user_id, as int32 halves. */
  protected readonly ids = new Int32Array(4);

  constructor(options: ScannerOptions) {
    this.implementationDate = parseDate(options.implementationDate);
    if (this.implementationDate < 0) {
      throw new RangeError(`implementationDate "${options.implementationDate}" is not a YYYY-MM-DD date`);
    }
    if (options.mapRegister === undefined) {
      this.mapRegister = null;
    } else {
      // An entry that is not 4 letters or digits can never match a valid MAP ID, so it is left out.
      const keys = [...options.mapRegister].map(mapIdKeyOf).filter((key) => key > 0);
      this.mapRegister = new Set(keys);
    }
    this.maxUsers = options.maxUsers ?? Number.POSITIVE_INFINITY;
    if (!(this.maxUsers >= 1)) throw new RangeError(`maxUsers must be at least 1 (got ${options.maxUsers})`);
    this.counts = new CountsTable(this.maxUsers);
    this.sink = options.onRejection ?? null;
    this.maxKept = this.sink !== null ? 0 : (options.maxRejectedKept ?? DEFAULT_MAX_REJECTED_KEPT);
    if (options.outstandingOf !== undefined) {
      const text = Buffer.from(options.outstandingOf.userId, 'utf8');
      const halves = new Int32Array(2);
      if (!parseEui64Bytes(text, 0, text.length, halves, 0)) {
        throw new RangeError(`outstandingOf.userId "${options.outstandingOf.userId}" is not an EUI-64`);
      }
      this.watchHi = halves[0]!;
      this.watchLo = halves[1]!;
      this.watch = options.outstandingOf.onDevice;
    }
  }

  protected rejectFieldCount(fieldCount: number, rowLine: number): void {
    this.rejectedRows++;
    if (this.sink !== null || this.kept.length < this.maxKept) {
      this.keepRejection(rowLine, `the row has ${fieldCount} field${fieldCount === 1 ? '' : 's'}, the header ${this.columnCount}`);
    }
  }

  private keepRejection(line: number, reason: string): void {
    if (this.sink !== null) this.sink(line, reason);
    else this.kept.push({ line, reason });
  }

  /**
   * Applies every field rule to a row with the right number of fields, at starts/ends of buf.
   * `odd`: a required field may hold bytes the character rules are about (only the slow path lets
   * such a row through; the fast path leaves it to the slow one).
   */
  protected judgeRow(buf: Buffer, rowLine: number, odd: boolean): void {
    const starts = this.starts;
    const ends = this.ends;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      // A longer field rejects the row (and the slow path copied no more than this).
      if (ends[slot]! - starts[slot]! > MAX_FIELD_BYTES || (odd && characterProblem(buf, starts[slot]!, ends[slot]!) !== null)) {
        this.rejectRow(buf, rowLine);
        return;
      }
    }
    const type = classifyDeviceType(buf, starts[SLOT_DEVICE_TYPE]!, ends[SLOT_DEVICE_TYPE]!);
    const status = classifyDeviceStatus(buf, starts[SLOT_DEVICE_STATUS]!, ends[SLOT_DEVICE_STATUS]!);
    const date = parseDateBytes(buf, starts[SLOT_PRENOTIFIED_DATE]!, ends[SLOT_PRENOTIFIED_DATE]!);
    if (
      !parseEui64Bytes(buf, starts[SLOT_DEVICE_ID]!, ends[SLOT_DEVICE_ID]!, this.ids, 0) ||
      !parseEui64Bytes(buf, starts[SLOT_RESPONSIBLE_USER_ID]!, ends[SLOT_RESPONSIBLE_USER_ID]!, this.ids, 2) ||
      type < 0 ||
      status < 0 ||
      date < 0
    ) {
      this.rejectRow(buf, rowLine);
      return;
    }
    this.acceptRow(buf, rowLine, type, status, date);
  }

  /**
   * A row that passed the field rules (ids in this.ids): counted now, and logged so that, should
   * duplicate detection at the end find its device_id on an earlier line, the count is taken back.
   */
  protected acceptRow(buf: Buffer, rowLine: number, type: number, status: number, date: number): void {
    let category = CATEGORY_NONE;
    if (type !== DEVICE_TYPE_OTHER && status === DEVICE_STATUS_IN_SCOPE) {
      const key = mapIdKey(buf, this.starts[SLOT_MAP_ID]!, this.ends[SLOT_MAP_ID]!);
      let mapState = MAP_STATE_INVALID;
      if (key === MAP_ID_ABSENT) mapState = MAP_STATE_ABSENT;
      else if (key !== MAP_ID_MALFORMED && (this.mapRegister === null || this.mapRegister.has(key))) {
        mapState = MAP_STATE_VALID;
      }
      category = meterCategory(type - DEVICE_TYPE_ESME, date < this.implementationDate, mapState);
    }
    const ids = this.ids;
    if (this.watch !== null && ids[2] === this.watchHi && ids[3] === this.watchLo && isOutstanding(category)) {
      this.reportOutstanding(buf, rowLine, type, date);
    }
    const user = this.counts.user(ids[2]!, ids[3]!, rowLine);
    this.counts.add(user, category);
    this.devices.add(ids[0]!, ids[1]!, rowLine, user * CATEGORY_CODES + category);
  }

  private reportOutstanding(buf: Buffer, rowLine: number, type: number, date: number): void {
    const text = (slot: number): string => buf.toString('utf8', this.starts[slot], this.ends[slot]).replace(/^ +| +$/g, '');
    this.watch!({
      line: rowLine,
      deviceId: formatEui64(this.ids[0]!, this.ids[1]!),
      fuel: type === DEVICE_TYPE_ESME ? 'ESME' : 'GSME',
      deviceStatus: text(SLOT_DEVICE_STATUS),
      mapId: text(SLOT_MAP_ID),
      prenotifiedDate: formatDateNumber(date),
    });
  }

  /** A row breaking a field rule. Its device_id, if valid, still counts as seen for duplicates. */
  protected rejectRow(buf: Buffer, rowLine: number): void {
    this.rejectedRows++;
    const ids = this.ids;
    const start = this.starts[SLOT_DEVICE_ID]!;
    const end = this.ends[SLOT_DEVICE_ID]!;
    if (end - start <= MAX_FIELD_BYTES && parseEui64Bytes(buf, start, end, ids, 0)) {
      this.devices.add(ids[0]!, ids[1]!, rowLine, REJECTED_CODE);
    }
    if (this.sink !== null || this.kept.length < this.maxKept) {
      this.keepRejection(rowLine, rowProblems(buf, this.starts, this.ends).join('; '));
    }
  }

  /** Finds the duplicate device_ids: each later row is rejected and its count taken back. */
  protected settleDuplicates(): void {
    const found: DuplicateRow[] = [];
    const keep = this.maxKept;
    this.devices.forEachDuplicate((hi, lo, line, code, firstLine) => {
      this.repeatedIds++;
      // A row already rejected for a field rule is only there to be "seen"; it is not rejected twice.
      if (code === REJECTED_CODE) return;
      this.counts.remove(Math.floor(code / CATEGORY_CODES), code % CATEGORY_CODES);
      this.rejectedRows++;
      if (this.sink !== null) {
        this.sink(line, duplicateReason(hi, lo, firstLine));
        return;
      }
      found.push({ line, hi, lo, firstLine });
      // Only the first rows (by line) are kept: trim now and then, so a file of duplicates stays small.
      if (found.length >= 2 * keep + 1024) trimByLine(found, keep);
    });
    trimByLine(found, keep);
    if (found.length === 0) return;
    const all = this.kept.concat(found.map((row) => ({ line: row.line, reason: duplicateReason(row.hi, row.lo, row.firstLine) })));
    trimByLine(all, keep);
    this.kept = all;
  }

  /**
   * Takes in a later part's counts, duplicate log and rejected rows (see Scanner.absorb), its
   * lines shifted by `offset`. The caller has checked that the Users together stay within maxUsers.
   */
  protected absorbRows(part: ScanPart, offset: number): void {
    const users = this.counts.absorb(part.users);
    this.devices.appendState(part.devices, offset, (code) =>
      code === REJECTED_CODE ? code : users[Math.floor(code / CATEGORY_CODES)]! * CATEGORY_CODES + (code % CATEGORY_CODES),
    );
    this.rejectedRows += part.rejected;
  }
}

/** A category counted in `outstanding`: in scope, pre-notified before implementation, MAP ID not valid. */
function isOutstanding(category: number): boolean {
  if (category === CATEGORY_NONE) return false;
  for (const fuel of [0, 1]) {
    if (category === meterCategory(fuel, true, MAP_STATE_ABSENT) || category === meterCategory(fuel, true, MAP_STATE_INVALID)) return true;
  }
  return false;
}

/** YYYYMMDD as 'YYYY-MM-DD'. */
function formatDateNumber(date: number): string {
  const year = Math.floor(date / 10000);
  const month = Math.floor(date / 100) % 100;
  const day = date % 100;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

interface DuplicateRow {
  line: number;
  hi: number;
  lo: number;
  firstLine: number;
}

/** Sorts rows by line and keeps the first `keep`. */
function trimByLine<T extends { line: number }>(rows: T[], keep: number): void {
  rows.sort((a, b) => a.line - b.line);
  if (rows.length > keep) rows.length = keep;
}

function duplicateReason(hi: number, lo: number, firstLine: number): string {
  return `duplicate device_id ${formatEui64(hi, lo)}, first at line ${firstLine}`;
}
