// Reads a small reference-data CSV (Users, declarations, allowances, …) into records keyed by
// column name, each with the line it starts on. The header follows the snapshot rules (SPEC §3.1):
// names matched case-insensitively ignoring surrounding spaces, any order, unknown columns ignored,
// a leading BOM allowed, LF or CRLF, blank lines skipped. Parsing is csv-parse's; only the line
// numbers are worked out here, from its byte offsets, because its own line count goes wrong on a
// quoted field holding a CRLF.
import { parse, type CsvError, type Info } from 'csv-parse/sync';
import { ValidationError, type FieldError } from '../errors.ts';

export interface CsvLayout {
  required: readonly string[];
  optional?: readonly string[];
}

export interface CsvRecord {
  /** The physical line the record starts on, 1-based, the header being line 1. */
  line: number;
  /** Raw field values by column name (lower case); an optional column not in the file is absent. */
  fields: Record<string, string>;
}

export interface CsvTable {
  /** The columns of the layout the file has (lower case), required ones first. */
  columns: string[];
  records: CsvRecord[];
  /** Rows that could not be read as records (wrong number of fields), by line. */
  problems: FieldError[];
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/** Counts LFs (so LF and CRLF line ends alike) up to each byte offset asked for, in increasing order. */
class LineCounter {
  private offset = 0;
  private breaks = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The line a byte offset is on. */
  lineAt(offset: number): number {
    for (; this.offset < offset; this.offset++) if (this.bytes[this.offset] === NEWLINE) this.breaks++;
    return this.breaks + 1;
  }

  /** The first offset at or after `offset` that does not end a line: where a record after blank lines starts. */
  skipLineEnds(offset: number): number {
    while (offset < this.bytes.length && (this.bytes[offset] === NEWLINE || this.bytes[offset] === CR)) offset++;
    return offset;
  }
}

interface ParsedRecord {
  record: string[];
  info: Info;
}

const READ_FAILURES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (a " without its partner)',
  CSV_INVALID_CLOSING_QUOTE: 'a closing quote is followed by something other than a comma or the end of the line',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a closing quote is followed by something other than a comma or the end of the line',
};

function fileError(message: string, line: number): ValidationError {
  return new ValidationError(`Line ${line}: ${message}.`, [{ field: 'file', message, line }]);
}

function columnList(layout: CsvLayout): string {
  return [...layout.required, ...(layout.optional ?? []).map((name) => `[${name}]`)].join(', ');
}

function parseRecords(content: Buffer, counter: LineCounter): ParsedRecord[] {
  try {
    return parse(content, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n'],
    }) as ParsedRecord[];
  } catch (err) {
    const csv = err as CsvError & { bytes?: number; lines?: number };
    const line = typeof csv.bytes === 'number' ? counter.lineAt(csv.bytes) : (csv.lines ?? 1);
    throw fileError(`the CSV cannot be read: ${READ_FAILURES[csv.code] ?? csv.message}`, line);
  }
}

/**
 * The records of a CSV file whose header names the columns of `layout`. Throws ValidationError
 * when the file as a whole cannot be used: not UTF-8, broken quoting, no header, a required column
 * missing or repeated, no data rows.
 */
export function readCsvTable(content: Buffer, layout: CsvLayout): CsvTable {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw fileError('the file is not UTF-8 text; save it from your spreadsheet as "CSV UTF-8"', 1);
  }
  const counter = new LineCounter(content);
  const parsed = parseRecords(content, counter);
  const blank = (record: string[]): boolean => record.every((field) => field.trim() === '');

  let previousEnd = 0;
  const located = parsed.map(({ record, info }) => {
    const line = counter.lineAt(counter.skipLineEnds(previousEnd));
    previousEnd = info.bytes;
    return { record, line };
  });
  const rows = located.filter(({ record }) => !blank(record));

  const header = rows[0];
  if (!header) throw fileError(`the file is empty; the first line must name the columns ${columnList(layout)}`, 1);
  const names = header.record.map((name) => name.trim().toLowerCase());
  const known = [...layout.required, ...(layout.optional ?? [])];
  const repeated = known.filter((name) => names.indexOf(name) !== names.lastIndexOf(name));
  if (repeated.length > 0) {
    throw fileError(`the header names ${repeated.map((n) => `"${n}"`).join(', ')} more than once; each column must appear once`, header.line);
  }
  const missing = layout.required.filter((name) => !names.includes(name));
  if (missing.length === layout.required.length) {
    throw fileError(`there is no header: the first line must name the columns ${columnList(layout)}`, header.line);
  }
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'column' : 'columns';
    throw fileError(`the header has no ${missing.map((n) => `"${n}"`).join(', ')} ${what} (the columns are ${columnList(layout)})`, header.line);
  }
  const data = rows.slice(1);
  if (data.length === 0) throw fileError('the file has a header but no data rows', header.line);

  const records: CsvRecord[] = [];
  const problems: FieldError[] = [];
  for (const { record, line } of data) {
    // A spreadsheet may pad rows with empty trailing fields; anything else out of step is an error.
    const extra = record.slice(names.length);
    if (record.length < names.length || extra.some((field) => field.trim() !== '')) {
      const fields = record.length === 1 ? '1 field' : `${record.length} fields`;
      problems.push({ field: 'row', message: `it has ${fields} but the header has ${names.length}`, line });
      continue;
    }
    const fields: Record<string, string> = {};
    names.forEach((name, column) => {
      if (known.includes(name)) fields[name] = record[column] ?? '';
    });
    records.push({ line, fields });
  }
  return { columns: known.filter((name) => names.includes(name)), records, problems };
}
