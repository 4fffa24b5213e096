// CSV for people who open it in a spreadsheet: a cell that a spreadsheet would run as a formula
// (starting with = + - @, a tab or a carriage return) is prefixed with a single quote (OWASP's
// CSV-injection advice). Negative numbers stay numbers: only text is guarded.
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function safeCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function safeCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return safeCsvRows([header, ...rows]);
}

/** Rows only, for a CSV written a page at a time (the header is the first page's first row). */
export function safeCsvRows(rows: ReadonlyArray<readonly CsvValue[]>): string {
  return stringify(
    rows.map((row) => row.map(safeCell)),
    { record_delimiter: 'windows' },
  );
}
