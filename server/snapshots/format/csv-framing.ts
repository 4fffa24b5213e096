// CSV framing for the snapshot scanner (SPEC §3.1): rows and fields found in the bytes, quotes
// undone, line ends counted, and the header read. This is the slow path: a byte-at-a-time state
// machine for the rows the fast path (fast-rows.ts) cannot finish — one running past the end of the
// chunk, or with a quoted value that needs unescaping or holds a line break. It copies the required
// fields into a fixed scratch buffer and can stop and resume anywhere, even between CR and LF or
// inside a UTF-8 character; each finished row goes to the row rules (row-rules.ts).
//
// Broken quoting is fatal, as SPEC §3.1 says, because it breaks the framing itself: an unterminated
// quote swallows the rest of the file; text after a closing quote (`"ab"c`) or a quote inside an
// unquoted field (`ab"c`) shows a writer that does not escape quotes, and such a writer also garbles
// fields holding commas or newlines, shifting or merging rows in ways no rule can see. Counting from
// such a file could silently be wrong, so it is refused, naming the line.
//
// Line ends: LF, CRLF, and a lone CR all end a physical line (inside quotes they are data but still
// count as lines, so line numbers match what an editor shows). Outside quotes a lone CR ends the row,
// so a file with old Mac line ends (CR only) is read as it was meant: SPEC §3.1 names LF and CRLF,
// but a lone CR cannot mean anything else, and refusing would only send the DCC back to re-save it.
//
// Hostile files. A row longer than MAX_ROW_BYTES refuses the file at once (nothing of a row is ever
// held beyond the required fields' first MAX_FIELD_BYTES, but a 100 MB "row" is no inventory
// extract), and so does a header of more than MAX_COLUMNS columns. The slow path notes bytes the
// character rules are about as it copies the required fields; the row rules judge them.
import { matchHeader, otherSeparator, separatorMessage } from './header.ts';
import { MAX_FIELD_BYTES } from './row-problems.ts';
import { RowRules, SLOT_COUNT } from './row-rules.ts';
import type { ScanFatal } from './scan-types.ts';

// The bytes the byte loops compare with. fast-rows.ts declares its own rather than importing these,
// so that its loop reads constants of its own module, as before the scanner was split, not imported
// bindings (which V8 reads through the exporting module's cell).
const TAB = 9;
export const LF = 10;
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

/**
 * Finds rows and fields byte by byte, resuming across chunks, and reads the header. The fast path
 * (fast-rows.ts) extends it, sharing its line count and the header's layout.
 */
export abstract class CsvFraming extends RowRules {
  /** Bytes pushed so far, including a BOM. */
  protected bytesIn = 0;
  protected failure: ScanFatal | null = null;
  /** Data rows so far (not the header, not blank lines). */
  protected dataRows = 0;
  /** The physical line of the next byte. */
  protected lineNo = 1;

  protected headerDone = false;
  protected headerLine = 0;
  /** The line after the header: where data rows can start. */
  protected dataStartLine = 0;
  /** Bytes pushed up to the chunk that completed the header (exactly the header's, when it came alone). */
  protected headerBytes = 0;
  private headerNames: string[] = [];
  /** The required field (slot) each column holds, or -1. */
  protected slotOf: Int8Array = new Int8Array(0);
  private readonly headerBuf = Buffer.allocUnsafe(MAX_HEADER_BYTES);
  private headerLen = 0;
  private readonly headerEnds: number[] = [];

  // Slow-path state, kept across chunks.
  protected inRow = false;
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
  protected skipLF = false;
  private readonly scratch = Buffer.allocUnsafe(SLOT_COUNT * MAX_FIELD_BYTES);

  /**
   * Scans one row (or blank line) from pos, resuming a row left unfinished by the previous chunk.
   * Returns the position after it, or len when the chunk ends first (the state is kept).
   */
  protected slowRow(buf: Buffer, pos: number, len: number): number {
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

  /** At the end of the bytes, inside a row: the row is finished as if a line end followed, or a quote left open refuses the file. */
  protected endLastRow(): void {
    if (this.state === QUOTED) {
      this.fail(this.quoteLine, `line ${this.quoteLine}: broken quoting: the quoted field opened on this line is never closed ` + '(the file ends inside it)');
    } else {
      this.endField();
      this.endRow();
    }
  }

  /** A row of the slow path: its fields are in the scratch buffer. */
  private slowDataRow(rowLine: number): void {
    this.dataRows++;
    if (this.field !== this.columnCount) this.rejectFieldCount(this.field, rowLine);
    else this.judgeRow(this.scratch, rowLine, this.oddRow);
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

  protected fail(line: number, message: string): void {
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

export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}
