// The fast path of the snapshot scanner: whole rows split in place, in a tight loop over the bytes,
// the ids and the date read as they are met (exact spellings only; anything else gets the full
// rule), so the common row costs no allocation. A row it cannot finish — one running past the end
// of the chunk, or with a quoted value that needs unescaping or holds a line break — is left to the
// slow path (csv-framing.ts), which starts where this stopped.
//
// Bytes the character rules are about (a C0 control character, tab aside, or any byte above ASCII)
// are looked for only in the required fields, in the same comparison that finds their end (each
// byte read as signed, so that every byte above ASCII is negative); such a row is left to the slow
// path, which notes them as it copies the fields and judges them exactly (row-problems.ts).
import { matchEui64View } from './eui64.ts';
import { classifyDeviceStatus, classifyDeviceType, matchDateAt } from './field-rules.ts';
import { SLOT_DEVICE_ID, SLOT_DEVICE_STATUS, SLOT_DEVICE_TYPE, SLOT_MAP_ID, SLOT_PRENOTIFIED_DATE, SLOT_RESPONSIBLE_USER_ID } from './header.ts';
import { MAX_FIELD_BYTES } from './row-problems.ts';
import { CsvFraming } from './csv-framing.ts';

// The bytes the loops compare with, named here and not imported (see csv-framing.ts).
const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

/** The fast path over the framing's state; the scanner (scanner.ts) extends it and picks the path for each row. */
export abstract class FastRows extends CsvFraming {
  /**
   * Scans whole rows from pos, in place. Returns len, or the start of the first row it cannot
   * finish: one that runs past the end of the chunk or needs quotes undone (see closingQuote).
   */
  protected fastRows(buf: Buffer, view: DataView, pos: number, len: number): number {
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
        if (slot === SLOT_DEVICE_ID) delimiter = matchEui64View(buf, view, p, len, ids, 0);
        else if (slot === SLOT_RESPONSIBLE_USER_ID) delimiter = matchEui64View(buf, view, p, len, ids, 2);
        else if (slot === SLOT_PRENOTIFIED_DATE) {
          date = matchDateAt(buf, view, p, len);
          if (date >= 0) delimiter = p + 10;
        }
        let stop = delimiter; // the end of the field's value
        if (delimiter < 0) {
          if (slot === SLOT_DEVICE_ID || slot === SLOT_RESPONSIBLE_USER_ID || slot === SLOT_PRENOTIFIED_DATE) {
            exact = false;
          }
          // A required field's value is also checked for bytes the character rules are about.
          delimiter = stop = slot >= 0 ? delimitTextView(buf, view, p, len) : delimit(buf, p, len);
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

/**
 * delimitText() reading four bytes at a time while all four are plain (each above the comma and
 * below 0x80: one test on the word, see below), then byte by byte from the first word that is not,
 * so that it ends exactly where delimitText() does. A status such as `Commissioned` is three words.
 */
function delimitTextView(buf: Buffer, view: DataView, pos: number, len: number): number {
  let i = pos;
  while (i + 4 <= len) {
    const word = view.getUint32(i, true);
    // Per byte b: the high bit of (b | 0x80) − 0x2D is clear when b & 0x7F is below 0x2D (no byte
    // borrows from the next); flipped, or-ed with the word's own high bits, a set bit marks a byte
    // that is the comma or below it, or above ASCII.
    if (((((word | 0x80808080) - 0x2d2d2d2d) ^ 0x80808080) | word) & 0x80808080) break;
    i += 4;
  }
  return delimitText(buf, i, len);
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
