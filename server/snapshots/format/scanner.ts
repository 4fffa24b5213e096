// Streaming scanner for DCC inventory snapshots (SPEC §3.1–3.2): the decompressed CSV bytes in, in
// chunks of any size, per-(User, fuel) counts, rejected rows and whole-file refusals out. No I/O.
//
// Speed comes from working on bytes: a tight loop splits a row in place, reading the ids and the
// date as it meets them (exact spellings only; anything else gets the full rule), so the common row
// costs no allocation. Rows it cannot finish (one running past the end of the chunk, or with a
// quoted value that needs unescaping or holds a line break) go to a byte-at-a-time state machine
// that copies the required fields into a fixed scratch buffer and can stop and resume anywhere,
// even between CR and LF or inside a UTF-8 character. Duplicate detection is deferred to end()
// (duplicate-finder.ts), so the scan itself never waits on a cache miss.
//
// Broken input. Row-level problems (a field breaking its rule, a duplicate device_id, the wrong
// number of fields) reject the row and scanning goes on: the row's framing is intact, so every other
// row is still read right. Broken quoting is fatal, as SPEC §3.1 says, because it breaks the framing
// itself: an unterminated quote swallows the rest of the file; text after a closing quote (`"ab"c`)
// or a quote inside an unquoted field (`ab"c`) shows a writer that does not escape quotes, and such a
// writer also garbles fields holding commas or newlines, shifting or merging rows in ways no rule can
// see. Counting from such a file could silently be wrong, so it is refused, naming the line.
//
// Line ends: LF, CRLF, and a lone CR all end a physical line (inside quotes they are data but still
// count as lines, so line numbers match what an editor shows). Outside quotes a lone CR ends the row,
// so a file with old Mac line ends (CR only) is read as it was meant: SPEC §3.1 names LF and CRLF,
// but a lone CR cannot mean anything else, and refusing would only send the DCC back to re-save it.
//
// Hostile files. The first 4 KiB are held until it is known what the file is (file-type.ts): a ZIP,
// a PDF, UTF-16 text, an HTML page, random bytes are refused in a sentence naming them. A row
// longer than MAX_ROW_BYTES refuses the file at once (nothing of a row is ever held beyond the
// required fields' first MAX_FIELD_BYTES, but a 100 MB "row" is no inventory extract), and so does
// a header of more than MAX_COLUMNS columns. A required field holding a C0 control character (tab
// aside), a line break or bytes that are not UTF-8 rejects its row, naming the field: such a value
// would otherwise be counted as, say, a device status. The fast path looks for those bytes only in
// the required fields, in the same comparison that finds their end (each byte read as signed, so
// that every byte above ASCII is negative), and leaves such a row to the slow path, which notes
// them as it copies the fields and judges them exactly (row-problems.ts).
//
// Splitting across two threads (built: split-scan.ts, with endPart() and absorb() below): cut the
// input at a byte offset and let the second worker start at the first line break after the cut,
// *assuming* it is outside quotes, numbering
// lines from zero and keeping its own counts and duplicate log. When the first worker reaches the
// cut it knows the true quote state; if that was "outside quotes" and the second worker's first row
// starts where the first worker's last row ended, the speculation held (always, for a file without
// quoted newlines) and the results merge: counts add up, the second worker's line numbers shift by
// the first's line count, and its duplicate log appends to the first's partition by partition (so
// each id's first occurrence stays first); the 256 partitions then settle (on the first thread:
// about 0.1 s at 10 M rows, so sharing them out has not been worth it yet). If the speculation
// failed, the second half is rescanned from the true state.
import { formatEui64, matchEui64At, parseEui64Bytes } from './eui64.ts';
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
  matchDateAt,
  parseDate,
  parseDateBytes,
} from './field-rules.ts';
import {
  matchHeader,
  otherSeparator,
  REQUIRED_COLUMNS,
  SLOT_DEVICE_ID,
  SLOT_DEVICE_STATUS,
  SLOT_DEVICE_TYPE,
  SLOT_MAP_ID,
  SLOT_PRENOTIFIED_DATE,
  SLOT_RESPONSIBLE_USER_ID,
  separatorMessage,
} from './header.ts';
import { characterProblem, MAX_FIELD_BYTES, rowProblems } from './row-problems.ts';
import { fileTypeSentence, SNIFF_BYTES, sniffFileType, type FileType } from './file-type.ts';
import { DuplicateFinder, type DuplicateLogState } from './duplicate-finder.ts';
import {
  CATEGORY_NONE,
  CountsTable,
  MAP_STATE_ABSENT,
  MAP_STATE_INVALID,
  MAP_STATE_VALID,
  meterCategory,
} from './user-counts.ts';
import type { CountsTableState, UserCounts } from './user-counts.ts';

export interface ScannerOptions {
  /** SPEC §3.3 implementation date, `YYYY-MM-DD`. */
  implementationDate: string;
  /** Known MAP IDs (§3.3); when given, a MAP ID is valid only if listed. Entries are trimmed and upper-cased. */
  mapRegister?: ReadonlySet<string> | undefined;
  /**
   * The most distinct Users (responsible_user_id) the file may name on rows that pass the field
   * rules. The row naming one more refuses the file, naming its line, and scanning stops with the
   * chunk it is in: a file naming 100 000 Users is not read to its end. A User is counted from its
   * first such row, before duplicates are settled at the end (a User whose every row repeats an
   * earlier device_id still counts). Default: no limit.
   */
  maxUsers?: number | undefined;
  /**
   * Look at the first SNIFF_BYTES to tell what kind of file this is, refusing what is not CSV
   * text (file-type.ts). Default true; false for a scanner fed the header and then a later part of
   * a file (split-scan.ts), whose start another scanner looks at.
   */
  sniffFileType?: boolean | undefined;
  /** Rejected rows kept with their reasons (all are counted). Default 10 000. */
  maxRejectedKept?: number | undefined;
  /**
   * When given, every rejected row goes here instead of being kept (maxRejectedKept is then
   * ignored): so a caller that must keep them all can keep them outside the heap. Rows rejected
   * for a field come in file order as they are scanned; duplicates come from end(), in no order.
   */
  onRejection?: ((line: number, reason: string) => void) | undefined;
  /**
   * Reports the rows one User has outstanding (in scope, pre-notified before the implementation
   * date, MAP ID not valid) as they are scanned, for tracing a count back to devices. A row here
   * may still turn out to repeat an earlier device_id (known only at the end): the caller drops
   * the lines the snapshot rejected.
   */
  outstandingOf?: { userId: string; onDevice: (device: OutstandingDevice) => void } | undefined;
}

/** One device counted in a User's `outstanding` (SPEC §3.2), as the file spells it. */
export interface OutstandingDevice {
  line: number;
  /** Normalised. */
  deviceId: string;
  fuel: 'ESME' | 'GSME';
  /** As in the file, surrounding spaces removed. */
  deviceStatus: string;
  /** As in the file, surrounding spaces removed; empty when not populated. */
  mapId: string;
  prenotifiedDate: string;
}

export interface Rejection {
  /** Physical line the row starts on, 1-based, the header being line 1. */
  line: number;
  reason: string;
}

export interface ScanFatal {
  /** The line the problem is on; null for the file as a whole (what kind of file it is). */
  line: number | null;
  /** A sentence naming the line and the problem. */
  message: string;
  /** When the file is refused for what it is: the parts of the sentence, to say it of a gzip file's text. */
  fileType?: FileType | undefined;
}

export interface ScanResult {
  /** Data rows (not the header, not blank lines). */
  rows: number;
  accepted: number;
  rejected: number;
  /** The first maxRejectedKept rejected rows, in file order (none when onRejection is given). */
  rejections: Rejection[];
  /** Per normalised User ID, for every User on an accepted row, in ID order. */
  counts: Record<string, UserCounts>;
  /** Why the whole file is refused; when set, nothing else here may be stored. */
  fatal: ScanFatal | null;
  /** Bytes pushed, including a BOM. */
  bytes: number;
  /** Distinct valid device IDs seen (on accepted rows or rows rejected for another field). */
  devices: number;
}

/**
 * What a scanner of a later part of a file (fed the header, then that part) found, for the scanner
 * of the part before it to take in: see "Splitting across two threads" above.
 */
export interface ScanPart {
  rows: number;
  rejected: number;
  /** The part's own line numbers: where its first data row starts, and the line after its last byte. */
  firstLine: number;
  endLine: number;
  /** Bytes after the header (pushed on its own). */
  bytes: number;
  fatal: ScanFatal | null;
  users: CountsTableState;
  devices: DuplicateLogState;
}

export interface Scanner {
  /**
   * Scans the next bytes. Keeps no reference to chunk, so the caller may reuse it. Returns false
   * once the file is refused (further pushes are ignored), so the caller can stop reading.
   */
  push(chunk: Uint8Array): boolean;
  /** Finishes the file (a last row without a line end counts) and returns the result. */
  end(): ScanResult;
  /** Bytes pushed so far. */
  readonly bytes: number;
  /** Data rows so far. */
  readonly rows: number;
  /** The physical line the next byte is on (1-based). */
  readonly line: number;
  readonly fatal: ScanFatal | null;
  /** The header is read and the bytes so far end exactly where a row starts (not inside quotes). */
  readonly atRowStart: boolean;
  /**
   * For a scanner fed the header and then a later part of the file: finishes that part (a last
   * row without a line end counts) and hands it over, instead of end(). Duplicates are not looked
   * for here; the scanner that absorbs the part finds them across the whole file.
   */
  endPart(): ScanPart;
  /**
   * Takes in a part that starts exactly where this scanner's bytes end (atRowStart must hold, and
   * the part must have no fatal problem): its rows, counts and duplicate log, lines renumbered.
   * Rejected rows the part handed to its onRejection are the caller's to renumber
   * (by this.line − part.firstLine, read before absorbing). Returns false, taking in nothing,
   * when the two together name more Users than maxUsers: the caller then scans the part itself,
   * so that the refusal names the line where the file passes the limit, as one scanner would.
   */
  absorb(part: ScanPart): boolean;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const DEL = 127;

// Slow-path states.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

// Where the slow path copies the current field's bytes: a slot, nowhere, or the header.
const TARGET_NONE = -1;
const TARGET_HEADER = -2;

const SLOT_COUNT = REQUIRED_COLUMNS.length;
const MAX_HEADER_BYTES = 65536;
/**
 * A row longer than this (its bytes up to its line end) refuses the file. An inventory row is
 * about 100 bytes and the required fields at most MAX_FIELD_BYTES each, so even a row with a long
 * free-text column stays far below it; a "row" of 1 MiB is another kind of file, or a broken one.
 */
export const MAX_ROW_BYTES = 1024 * 1024;
/**
 * A header naming more columns than this refuses the file. An SMI extract has a few dozen; a sheet
 * of thousands of columns is something else (a transposed export, a matrix), and saying so beats
 * reading it, however cheap each row's extra fields are.
 */
export const MAX_COLUMNS = 1000;
const DEFAULT_MAX_REJECTED_KEPT = 10_000;
/** meterCategory() values fit below this; a logged row's code is User * CATEGORY_CODES + category. */
const CATEGORY_CODES = 16;
/** The code of a row logged only so that its device_id counts as seen. */
const REJECTED_CODE = -1;

export function createScanner(options: ScannerOptions): Scanner {
  return new SnapshotScanner(options);
}

class SnapshotScanner implements Scanner {
  private readonly implementationDate: number;
  private readonly mapRegister: Set<number> | null;
  private readonly maxUsers: number;
  private readonly maxKept: number;
  private readonly sink: ((line: number, reason: string) => void) | null;
  /** outstandingOf's User as int32 halves, and where its rows go. */
  private readonly watchHi: number = 0;
  private readonly watchLo: number = 0;
  private readonly watch: ((device: OutstandingDevice) => void) | null = null;
  private readonly devices = new DuplicateFinder();
  private readonly counts: CountsTable;
  private kept: Rejection[] = [];
  private rejectedRows = 0;
  /** Logged rows whose device_id was on an earlier row. */
  private repeatedIds = 0;
  private dataRows = 0;
  private bytesIn = 0;
  private failure: ScanFatal | null = null;
  private result: ScanResult | null = null;
  private handedOver = false;

  /** The physical line of the next byte. */
  private lineNo = 1;
  /** The first bytes, held until it is known what the file is and whether it starts with a BOM; null once decided. */
  private head: Buffer | null = Buffer.alloc(0);
  /** How many first bytes to hold: enough to sniff the file type, or just a BOM's. */
  private readonly headBytes: number;

  private headerDone = false;
  private headerLine = 0;
  /** The line after the header: where data rows can start. */
  private dataStartLine = 0;
  /** Bytes pushed up to the chunk that completed the header (exactly the header's, when it came alone). */
  private headerBytes = 0;
  private headerNames: string[] = [];
  private columnCount = 0;
  private slotOf: Int8Array = new Int8Array(0);
  private readonly headerBuf = Buffer.allocUnsafe(MAX_HEADER_BYTES);
  private headerLen = 0;
  private readonly headerEnds: number[] = [];

  /** The current row's required fields, as [starts[slot], ends[slot]) of the buffer it is in. */
  private readonly starts = new Int32Array(SLOT_COUNT);
  private readonly ends = new Int32Array(SLOT_COUNT);
  /** device_id then responsible_user_id, as int32 halves. */
  private readonly ids = new Int32Array(4);

  // Slow-path state, kept across chunks.
  private inRow = false;
  private state = FIELD_START;
  private field = 0;
  private target = TARGET_NONE;
  private fieldLen = 0;
  private rowLine = 0;
  private quoteLine = 0;
  /** Bytes of the current row read by the slow path before the current chunk. */
  private rowBytes = 0;
  /** The slow path copied a byte into a required field that may break the character rules. */
  private oddRow = false;
  /** The previous byte, inside quotes, was a CR: an LF now completes the same line break. */
  private prevCR = false;
  /** A row or blank line ended on a CR that was the last byte of a chunk: skip a leading LF. */
  private skipLF = false;
  private readonly scratch = Buffer.allocUnsafe(SLOT_COUNT * MAX_FIELD_BYTES);

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
    this.headBytes = options.sniffFileType === false ? 3 : SNIFF_BYTES;
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

  get bytes(): number {
    return this.bytesIn;
  }

  get rows(): number {
    return this.dataRows;
  }

  get line(): number {
    return this.lineNo;
  }

  get fatal(): ScanFatal | null {
    return this.failure;
  }

  get atRowStart(): boolean {
    return this.failure === null && this.headerDone && !this.inRow && this.head === null && !this.skipLF;
  }

  push(chunk: Uint8Array): boolean {
    if (this.result !== null || this.handedOver) throw new Error('push() after end() or endPart()');
    this.bytesIn += chunk.byteLength;
    if (this.failure !== null) return false;
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.head !== null) {
      const held = this.head.length === 0 ? buf : Buffer.concat([this.head, buf]);
      if (held.length < this.headBytes) {
        // A copy: the caller may reuse its chunk.
        this.head = Buffer.from(held);
        return true;
      }
      this.head = null;
      buf = this.startOf(held);
    }
    if (buf.length <= MAX_ROW_BYTES) {
      this.scan(buf);
    } else {
      // No more than MAX_ROW_BYTES at a time: a row the fast path finishes within a piece is then
      // shorter than the limit by construction, and only the slow path needs to count.
      for (let at = 0; at < buf.length && this.failure === null; at += MAX_ROW_BYTES) this.scan(buf.subarray(at, at + MAX_ROW_BYTES));
    }
    return this.failure === null;
  }

  end(): ScanResult {
    if (this.result !== null) return this.result;
    this.finishLastRow();
    if (this.failure === null) this.settleDuplicates();
    if (this.failure === null && !this.headerDone) {
      // Lines were counted only if there were blank ones.
      const what = this.lineNo === 1 ? 'the file is empty' : 'the file holds nothing but blank lines';
      this.fail(1, `line 1: no header: ${what} (it must start with a header naming ${REQUIRED_COLUMNS.join(', ')})`);
    }
    if (this.failure === null && this.dataRows === 0) {
      this.fail(this.headerLine, `line ${this.headerLine}: no data rows: the header is not followed by any row`);
    }
    this.result = {
      rows: this.dataRows,
      accepted: this.dataRows - this.rejectedRows,
      rejected: this.rejectedRows,
      rejections: this.kept,
      counts: this.counts.toRecord(),
      fatal: this.failure,
      bytes: this.bytesIn,
      devices: this.devices.size - this.repeatedIds,
    };
    return this.result;
  }

  endPart(): ScanPart {
    if (this.result !== null || this.handedOver) throw new Error('endPart() after end() or endPart()');
    this.finishLastRow();
    this.handedOver = true;
    return {
      rows: this.dataRows,
      rejected: this.rejectedRows,
      firstLine: this.dataStartLine,
      endLine: this.lineNo,
      bytes: this.bytesIn - this.headerBytes,
      fatal: this.failure ?? (this.headerDone ? null : { line: 1, message: 'line 1: no header in the part' }),
      users: this.counts.exportState(),
      devices: this.devices.exportState(),
    };
  }

  absorb(part: ScanPart): boolean {
    if (!this.atRowStart) throw new Error('absorb() needs the bytes so far to end where a row starts');
    if (part.fatal !== null) throw new Error('a part refused for a problem cannot be absorbed');
    if (this.counts.sizeWith(part.users) > this.maxUsers) return false;
    const offset = this.lineNo - part.firstLine;
    const users = this.counts.absorb(part.users);
    this.devices.appendState(part.devices, offset, (code) =>
      code === REJECTED_CODE ? code : users[Math.floor(code / CATEGORY_CODES)]! * CATEGORY_CODES + (code % CATEGORY_CODES),
    );
    this.dataRows += part.rows;
    this.rejectedRows += part.rejected;
    this.bytesIn += part.bytes;
    this.lineNo = part.endLine + offset;
    return true;
  }

  /** The file's first bytes, all of them or the first headBytes: refused for what they are, or their text without a BOM. */
  private startOf(held: Buffer): Buffer {
    if (this.headBytes >= SNIFF_BYTES) {
      const type = sniffFileType(held.subarray(0, SNIFF_BYTES));
      if (type !== null) {
        this.failure = { line: null, message: fileTypeSentence(type, false), fileType: type };
        return held.subarray(0, 0);
      }
    }
    return startsWithBom(held) ? held.subarray(3) : held;
  }

  /** At the end of the bytes: a start shorter than the head held, and a last row without a line end. */
  private finishLastRow(): void {
    if (this.head !== null) {
      const held = this.head;
      this.head = null;
      this.scan(this.startOf(held));
    }
    if (this.failure === null && this.inRow) {
      if (this.state === QUOTED) {
        this.fail(
          this.quoteLine,
          `line ${this.quoteLine}: broken quoting: the quoted field opened on this line is never closed ` +
            '(the file ends inside it)',
        );
      } else {
        this.endField();
        this.endRow();
        this.checkUsers();
      }
    }
  }

  private scan(buf: Buffer): void {
    const len = buf.length;
    let pos = 0;
    if (this.skipLF && len > 0) {
      this.skipLF = false;
      if (buf[0] === LF) pos = 1;
    }
    while (pos < len && this.failure === null) {
      if (this.inRow || !this.headerDone) {
        pos = this.slowRow(buf, pos, len);
      } else {
        pos = this.fastRows(buf, pos, len);
        // The fast path stops at the start of a row it cannot finish; that row goes the slow way.
        if (pos < len) pos = this.slowRow(buf, pos, len);
      }
      this.checkUsers();
    }
  }

  /**
   * Refuses the file once a row has named one User more than maxUsers. The count is noted as the
   * User is first seen (user-counts.ts) and looked at here, once per stretch of rows, so that the
   * fast path pays nothing for it; the refusal names the row where the limit was passed, however
   * far past it this stretch went.
   */
  private checkUsers(): void {
    const overflow = this.counts.overflow;
    if (overflow === null || this.failure !== null) return;
    const limit = this.maxUsers;
    this.fail(
      overflow.line,
      `line ${overflow.line}: the file names more Users than the max-users setting allows (${formatCount(limit)}): ` +
        `the ${ordinal(limit + 1)} User, ${formatEui64(overflow.hi, overflow.lo)}, first appears on this line, and the file was read no further; ` +
        'nothing was imported. If that many Users is right, SECAS can raise the max-users setting.',
    );
  }

  /**
   * Scans whole rows from pos, in place. Returns len, or the start of the first row it cannot
   * finish: one that runs past the end of the chunk or needs quotes undone (see closingQuote).
   */
  private fastRows(buf: Buffer, pos: number, len: number): number {
    const slotOf = this.slotOf;
    const columns = this.columnCount;
    const starts = this.starts;
    const ends = this.ends;
    const ids = this.ids;
    while (pos < len) {
      let c = buf[pos]!;
      if (c === LF || c === CR) {
        // A blank line: counted as a line, not a row.
        this.lineNo++;
        pos++;
        if (c === CR) {
          if (pos === len) this.skipLF = true;
          else if (buf[pos] === LF) pos++;
        }
        continue;
      }
      // Ids and the date are read as they are found (the shortcuts accept only exact spellings);
      // any other field is just delimited here and judged once the row is complete.
      let p = pos;
      let field = 0;
      let exact = true;
      let date = -1;
      for (;;) {
        const slot = field < columns ? slotOf[field]! : -1;
        let start = p;
        let delimiter = -1; // the position of the `,`, CR or LF after the field
        if (slot === SLOT_DEVICE_ID) delimiter = matchEui64At(buf, p, len, ids, 0);
        else if (slot === SLOT_RESPONSIBLE_USER_ID) delimiter = matchEui64At(buf, p, len, ids, 2);
        else if (slot === SLOT_PRENOTIFIED_DATE) {
          date = matchDateAt(buf, p, len);
          if (date >= 0) delimiter = p + 10;
        }
        let stop = delimiter; // the end of the field's value
        if (delimiter < 0) {
          if (slot === SLOT_DEVICE_ID || slot === SLOT_RESPONSIBLE_USER_ID || slot === SLOT_PRENOTIFIED_DATE) {
            exact = false;
          }
          // A required field's value is also checked for bytes the character rules are about.
          delimiter = stop = slot >= 0 ? delimitText(buf, p, len) : delimit(buf, p, len);
          if (delimiter < 0) {
            // Some writers quote every field. A quoted value without quotes or line breaks inside
            // needs no unescaping, so it is delimited in place too; anything else goes the slow way.
            if (buf[p] !== QUOTE) return pos;
            stop = slot >= 0 ? closingQuoteText(buf, p + 1, len) : closingQuote(buf, p + 1, len);
            if (stop < 0) return pos;
            start = p + 1;
            delimiter = stop + 1;
          }
        }
        if (slot >= 0) {
          starts[slot] = start;
          ends[slot] = stop;
        }
        field++;
        c = buf[delimiter]!;
        p = delimiter + 1;
        if (c !== COMMA) break;
      }
      const rowLine = this.lineNo++;
      if (c === CR) {
        if (p === len) this.skipLF = true;
        else if (buf[p] === LF) p++;
      }
      pos = p;
      this.dataRows++;
      if (field !== columns) {
        this.rejectFieldCount(field, rowLine);
        continue;
      }
      // Exactly read ids and dates are short; the fields only delimited may not be.
      const long =
        ends[SLOT_DEVICE_TYPE]! - starts[SLOT_DEVICE_TYPE]! > MAX_FIELD_BYTES ||
        ends[SLOT_DEVICE_STATUS]! - starts[SLOT_DEVICE_STATUS]! > MAX_FIELD_BYTES ||
        ends[SLOT_MAP_ID]! - starts[SLOT_MAP_ID]! > MAX_FIELD_BYTES;
      if (!exact || long) {
        this.judgeRow(buf, rowLine, false);
        continue;
      }
      const type = classifyDeviceType(buf, starts[SLOT_DEVICE_TYPE]!, ends[SLOT_DEVICE_TYPE]!);
      const status = classifyDeviceStatus(buf, starts[SLOT_DEVICE_STATUS]!, ends[SLOT_DEVICE_STATUS]!);
      if (type < 0 || status < 0) this.rejectRow(buf, rowLine);
      else this.acceptRow(buf, rowLine, type, status, date);
    }
    return pos;
  }

  /**
   * Scans one row (or blank line) from pos, resuming a row left unfinished by the previous chunk.
   * Returns the position after it, or len when the chunk ends first (the state is kept).
   */
  private slowRow(buf: Buffer, pos: number, len: number): number {
    if (!this.inRow) this.beginRow();
    const from = pos;
    // Read no more than one byte past what the row may still take: if that byte does not end the
    // row, it is too long. So the refusal comes at the same byte (and says the same) in any chunks.
    const room = MAX_ROW_BYTES - this.rowBytes;
    const stop = len - from > room ? from + room + 1 : len;
    let state = this.state;
    while (pos < stop) {
      const c = buf[pos]!;
      if (state === QUOTED) {
        pos++;
        if (c === QUOTE) {
          state = QUOTE_IN_QUOTED;
          this.prevCR = false;
          continue;
        }
        if (c === LF) {
          if (!this.prevCR) this.lineNo++;
          this.prevCR = false;
        } else if (c === CR) {
          this.lineNo++;
          this.prevCR = true;
        } else {
          this.prevCR = false;
        }
        if (!this.keep(c)) return len;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          // A doubled quote: one literal quote, still inside the field.
          pos++;
          state = QUOTED;
          if (!this.keep(c)) return len;
          continue;
        }
        if (c !== COMMA && c !== LF && c !== CR) {
          this.fail(
            this.lineNo,
            `line ${this.lineNo}: broken quoting: text after the closing quote of ${this.fieldName()}` +
              `${this.inRowStartingAt()} (a quote inside a quoted field must be doubled: "")`,
          );
          return len;
        }
        state = UNQUOTED;
      } else if (state === FIELD_START) {
        if (c === QUOTE) {
          pos++;
          state = QUOTED;
          this.quoteLine = this.lineNo;
          this.prevCR = false;
          continue;
        }
        if (this.field === 0 && (c === LF || c === CR)) {
          // A blank line: counted as a line, not a row.
          this.lineNo++;
          pos++;
          if (c === CR) {
            if (pos === len) this.skipLF = true;
            else if (buf[pos] === LF) pos++;
          }
          this.inRow = false;
          return pos;
        }
        state = UNQUOTED;
      }
      // Unquoted, or just after a closing quote.
      pos++;
      if (c === COMMA) {
        this.endField();
        // A header of too many columns is refused at the comma that makes one too many.
        if (this.failure !== null) return len;
        state = FIELD_START;
        continue;
      }
      if (c === LF || c === CR) {
        this.lineNo++;
        if (c === CR) {
          if (pos === len) this.skipLF = true;
          else if (buf[pos] === LF) pos++;
        }
        this.state = FIELD_START;
        this.endField();
        this.endRow();
        return pos;
      }
      if (c === QUOTE) {
        // A header with another separator quotes its fields by that separator, not by commas.
        const separator = this.headerDone ? null : otherSeparator(this.headerSoFar());
        if (separator !== null) {
          this.fail(this.rowLine, separatorMessage(this.rowLine, separator));
          return len;
        }
        this.fail(
          this.lineNo,
          `line ${this.lineNo}: broken quoting: a quote inside the unquoted ${this.fieldName()}` +
            `${this.inRowStartingAt()} (a field holding quotes must be quoted, its quotes doubled)`,
        );
        return len;
      }
      if (!this.keep(c)) return len;
    }
    this.state = state;
    // The row goes on past this chunk, or past its limit.
    this.rowBytes += pos - from;
    if (this.rowBytes > MAX_ROW_BYTES) {
      this.refuseLongRow();
      return len;
    }
    return pos;
  }

  private beginRow(): void {
    this.inRow = true;
    this.state = FIELD_START;
    this.field = 0;
    this.fieldLen = 0;
    this.rowLine = this.lineNo;
    this.prevCR = false;
    this.rowBytes = 0;
    this.oddRow = false;
    if (this.headerDone) {
      this.target = this.columnCount > 0 ? this.slotOf[0]! : TARGET_NONE;
    } else {
      this.target = TARGET_HEADER;
      this.headerLen = 0;
      this.headerEnds.length = 0;
    }
  }

  /** Copies one byte of the current field where it is needed. False when the file is refused. */
  private keep(c: number): boolean {
    const target = this.target;
    if (target >= 0) {
      if (this.fieldLen < MAX_FIELD_BYTES) this.scratch[target * MAX_FIELD_BYTES + this.fieldLen] = c;
      this.fieldLen++;
      if ((c < 32 && c !== TAB) || c > DEL) this.oddRow = true;
    } else if (target === TARGET_HEADER) {
      if (this.headerLen === MAX_HEADER_BYTES) {
        this.fail(
          this.rowLine,
          `line ${this.rowLine}: no header: the first line is longer than ${formatCount(MAX_HEADER_BYTES)} bytes, far longer than a header naming the columns; ` +
            'this does not look like an inventory extract',
        );
        return false;
      }
      this.headerBuf[this.headerLen++] = c;
    }
    return true;
  }

  private endField(): void {
    const target = this.target;
    if (target >= 0) {
      // The length may exceed what was copied; the rules see it and reject before reading past.
      this.starts[target] = target * MAX_FIELD_BYTES;
      this.ends[target] = target * MAX_FIELD_BYTES + this.fieldLen;
    } else if (target === TARGET_HEADER) {
      this.headerEnds.push(this.headerLen);
      if (this.headerEnds.length > MAX_COLUMNS) {
        this.fail(
          this.rowLine,
          `line ${this.rowLine}: the header has more than ${formatCount(MAX_COLUMNS)} columns; an inventory extract has a few dozen, ` +
            'so this does not look like one (check it is the right file, with one row per device)',
        );
      }
    }
    this.field++;
    this.fieldLen = 0;
    if (target !== TARGET_HEADER) {
      this.target = this.field < this.columnCount ? this.slotOf[this.field]! : TARGET_NONE;
    }
  }

  private endRow(): void {
    this.inRow = false;
    if (this.headerDone) this.slowDataRow(this.rowLine);
    else this.readHeader();
  }

  /** The header's names read so far, the one being read last. */
  private headerSoFar(): string[] {
    const names: string[] = [];
    let start = 0;
    for (const end of [...this.headerEnds, this.headerLen]) {
      names.push(this.headerBuf.toString('utf8', start, end));
      start = end;
    }
    return names;
  }

  private readHeader(): void {
    const names: string[] = [];
    let start = 0;
    for (const end of this.headerEnds) {
      names.push(this.headerBuf.toString('utf8', start, end));
      start = end;
    }
    const match = matchHeader(names, this.rowLine);
    if (!match.ok) {
      this.fail(this.rowLine, match.message);
      return;
    }
    this.headerDone = true;
    this.headerLine = this.rowLine;
    this.dataStartLine = this.lineNo;
    this.headerBytes = this.bytesIn;
    this.headerNames = names;
    this.columnCount = match.layout.columnCount;
    this.slotOf = match.layout.slots;
  }

  /** A row of the slow path: its fields are in the scratch buffer. */
  private slowDataRow(rowLine: number): void {
    this.dataRows++;
    if (this.field !== this.columnCount) this.rejectFieldCount(this.field, rowLine);
    else this.judgeRow(this.scratch, rowLine, this.oddRow);
  }

  private rejectFieldCount(fieldCount: number, rowLine: number): void {
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
  private judgeRow(buf: Buffer, rowLine: number, odd: boolean): void {
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
  private acceptRow(buf: Buffer, rowLine: number, type: number, status: number, date: number): void {
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

  /** Finds the duplicate device_ids: each later row is rejected and its count taken back. */
  private settleDuplicates(): void {
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
    const all = this.kept.concat(
      found.map((row) => ({ line: row.line, reason: duplicateReason(row.hi, row.lo, row.firstLine) })),
    );
    trimByLine(all, keep);
    this.kept = all;
  }

  /** A row breaking a field rule. Its device_id, if valid, still counts as seen for duplicates. */
  private rejectRow(buf: Buffer, rowLine: number): void {
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

  /** The current row (from this.rowLine) is longer than MAX_ROW_BYTES. */
  private refuseLongRow(): void {
    const rowLine = this.rowLine;
    if (this.inRow && this.state === QUOTED && this.lineNo > this.quoteLine) {
      // Most likely a stray quote swallowing the lines after it: say so, not just "a long row".
      this.fail(
        this.quoteLine,
        `line ${this.quoteLine}: broken quoting: the quoted field opened on this line runs on over ${formatCount(this.lineNo - this.quoteLine)} more lines ` +
          `and ${formatCount(MAX_ROW_BYTES)} bytes without being closed (a quote inside a field must be doubled: "")`,
      );
      return;
    }
    const what = this.lineNo === rowLine ? 'the line' : 'the row starting on this line';
    this.fail(
      rowLine,
      `line ${rowLine}: ${what} is longer than ${formatCount(MAX_ROW_BYTES)} bytes (1 MiB), where an inventory row is about 100; ` +
        'this does not look like an inventory extract',
    );
  }

  private fail(line: number, message: string): void {
    if (this.failure === null) this.failure = { line, message };
  }

  /** "field 3" or "field 3 (notes)", for the field the slow path is in. */
  private fieldName(): string {
    const name = this.headerDone ? this.headerNames[this.field] : undefined;
    return name === undefined ? `field ${this.field + 1}` : `field ${this.field + 1} (${JSON.stringify(name.trim())})`;
  }

  private inRowStartingAt(): string {
    return this.rowLine === this.lineNo ? '' : ` in the row starting on line ${this.rowLine}`;
  }
}

/**
 * The position of the `,`, CR or LF that ends the unquoted field at pos, or -1 when the field holds
 * a quote or the chunk ends first.
 */
function delimit(buf: Buffer, pos: number, len: number): number {
  for (let i = pos; i < len; i++) {
    const c = buf[i]!;
    // Every letter, digit, `-` and `:` is above the comma, so one comparison settles most bytes.
    if (c > COMMA) continue;
    if (c === COMMA || c === LF || c === CR) return i;
    if (c === QUOTE) return -1;
  }
  return -1;
}

/**
 * delimit() for a required field: also -1 at a C0 control character (tab aside) or any byte above
 * ASCII, so that the slow path judges the row under the character rules. Each byte is read as a
 * signed one ((b << 24) >> 24), so every byte above ASCII is negative and stops at the comparison
 * that stops a comma, and the loop has no more comparisons per byte than delimit(). Measured on
 * 1 M rows, this cost less than an Int8Array view of the chunk, a range check, an or-ed
 * accumulator on the unsigned byte, or a second pass over the fields.
 */
function delimitText(buf: Buffer, pos: number, len: number): number {
  for (let i = pos; i < len; i++) {
    const c = (buf[i]! << 24) >> 24;
    if (c > COMMA) continue;
    if (c === COMMA || c === LF || c === CR) return i;
    if (c === QUOTE || (c < 32 && c !== TAB)) return -1;
  }
  return -1;
}

/** closingQuote() for a required field, -1 also where delimitText() gives up. */
function closingQuoteText(buf: Buffer, pos: number, len: number): number {
  for (let i = pos; i < len; i++) {
    const c = (buf[i]! << 24) >> 24;
    if (c > QUOTE) continue;
    if (c === QUOTE) {
      if (i + 1 >= len) return -1;
      const next = buf[i + 1];
      return next === COMMA || next === LF || next === CR ? i : -1;
    }
    // Line breaks too: the fast path leaves them to the slow one, as closingQuote() does.
    if (c < 32 && c !== TAB) return -1;
  }
  return -1;
}

/**
 * The position of the quote closing a quoted field whose value starts at pos, when the value holds
 * no quote, CR or LF and the quote is followed by `,`, CR or LF within len; otherwise -1.
 */
function closingQuote(buf: Buffer, pos: number, len: number): number {
  for (let i = pos; i < len; i++) {
    const c = buf[i]!;
    if (c > QUOTE) continue;
    if (c === LF || c === CR) return -1;
    if (c === QUOTE) {
      if (i + 1 >= len) return -1;
      const next = buf[i + 1];
      return next === COMMA || next === LF || next === CR ? i : -1;
    }
  }
  return -1;
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

function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, with thousands separated. */
function ordinal(n: number): string {
  const teen = Math.floor(n / 10) % 10 === 1;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${formatCount(n)}${suffix}`;
}

function startsWithBom(buf: Buffer): boolean {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
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
