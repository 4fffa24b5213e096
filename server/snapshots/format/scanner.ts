// Streaming scanner for DCC inventory snapshots (SPEC §3.1–3.2): the decompressed CSV bytes in, in
// chunks of any size, per-(User, fuel) counts, rejected rows and whole-file refusals out. No I/O.
//
// One object in layers, each a class in a file of its own, each extending the one below:
//   row-rules.ts    judges a row whose fields are found, counts it or rejects it; duplicates at the end
//   csv-framing.ts  the slow path: rows and fields byte by byte, quotes, line ends, the header
//   fast-rows.ts    the fast path: whole rows split in place, the common row without allocation
//   scanner.ts      this file: the chunks, the file's first bytes, the end, the hand-over of parts
// One class chain rather than objects calling each other, so that the per-row calls of the hot
// loop stay calls of methods on one object of one shape, as when all of it was one class.
//
// Hostile files. The first 4 KiB are held until it is known what the file is (file-type.ts): a ZIP,
// a PDF, UTF-16 text, an HTML page, random bytes are refused in a sentence naming them. Overlong rows
// and headers are the framing's to refuse (csv-framing.ts), odd bytes in a field the row rules'.
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
import { formatEui64 } from './eui64.ts';
import { REQUIRED_COLUMNS } from './header.ts';
import { fileTypeSentence, SNIFF_BYTES, sniffFileType } from './file-type.ts';
import { formatCount, LF, MAX_ROW_BYTES } from './csv-framing.ts';
import { FastRows } from './fast-rows.ts';
import type { ScanFatal, ScannerOptions, ScanPart, ScanResult, Scanner } from './scan-types.ts';

export function createScanner(options: ScannerOptions): Scanner {
  return new SnapshotScanner(options);
}

class SnapshotScanner extends FastRows implements Scanner {
  private result: ScanResult | null = null;
  private handedOver = false;
  /** The first bytes, held until it is known what the file is and whether it starts with a BOM; null once decided. */
  private head: Buffer | null = Buffer.alloc(0);
  /** How many first bytes to hold: enough to sniff the file type, or just a BOM's. */
  private readonly headBytes: number;

  constructor(options: ScannerOptions) {
    super(options);
    this.headBytes = options.sniffFileType === false ? 3 : SNIFF_BYTES;
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
    this.absorbRows(part, offset);
    this.dataRows += part.rows;
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
      this.endLastRow();
      this.checkUsers();
    }
  }

  private scan(buf: Buffer): void {
    const len = buf.length;
    const view = new DataView(buf.buffer, buf.byteOffset, len);
    let pos = 0;
    if (this.skipLF && len > 0) {
      this.skipLF = false;
      if (buf[0] === LF) pos = 1;
    }
    while (pos < len && this.failure === null) {
      if (this.inRow || !this.headerDone) {
        pos = this.slowRow(buf, pos, len);
      } else {
        pos = this.fastRows(buf, view, pos, len);
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
