// Imports of reference data are all-or-nothing (SPEC §3.3): every row of a file is checked first,
// every problem is reported with its line and field, and only a file without any is applied.
import { ValidationError, type FieldError } from '../errors.ts';
import { readCsvTable, type CsvLayout, type CsvRecord } from './csv-table.ts';
import { readRecord, type Rules, type ValuesOf } from './record-reader.ts';

/** What one kind of reference data looks like as a CSV file. */
export interface ImportKind<R extends Rules> {
  /** Column names, also the keys of `rules`. */
  layout: CsvLayout;
  rules: R;
  /** What a row sets; two rows of one file setting the same thing are refused. */
  key(value: ValuesOf<R>): string;
  /** The columns the key is made of, for the message. */
  keyColumns: string;
}

export interface ImportRow<T> {
  line: number;
  value: T;
}

/** How an import went, for the person who sent it. */
export interface ImportSummary {
  rows: number;
  added: number;
  changed: number;
  unchanged: number;
}

/** Where a change was asked for: a file (its rows have lines) or a form (one record, no line). */
export type ChangeSource = { kind: 'file'; name: string } | { kind: 'form' };

/** The most problems a refusal lists; a file with more is surely the wrong file, and says how many. */
const MAX_LISTED = 200;

function byLine(a: FieldError, b: FieldError): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

/** Refuses a change, naming every problem; nothing has been (or will be) stored. */
export function refuse(errors: FieldError[], source: ChangeSource): never {
  const sorted = [...errors].sort(byLine);
  if (source.kind === 'form') {
    throw new ValidationError(sorted.length === 1 ? sorted[0]!.message : 'Please correct the fields marked below.', sorted);
  }
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  const more = sorted.length > MAX_LISTED ? ` The first ${MAX_LISTED} are listed.` : '';
  throw new ValidationError(`Nothing was imported from ${source.name}: it has ${count}.${more}`, sorted.slice(0, MAX_LISTED));
}

export interface ImportFile<T> {
  /** The rows that passed the kind's rules. */
  rows: Array<ImportRow<T>>;
  /** The problems of the others: the import must refuse the file if there are any. */
  errors: FieldError[];
  /** The kind's columns the file has: an optional one it lacks leaves stored values as they are. */
  columns: ReadonlySet<string>;
  source: ChangeSource;
}

/** Refuses the file when it has any problem, listing them all. */
export function refuseIfAny(errors: readonly FieldError[], source: ChangeSource): void {
  if (errors.length > 0) refuse([...errors], source);
}

/**
 * Every row of the file read by the kind's rules. Throws ValidationError when the file as a whole
 * cannot be read; problems of single rows come back in `errors`, so that the importer can add the
 * ones only the database can find (an unknown User) and report them all at once. The content is a
 * CSV file, or records already split into the kind's columns (the API's JSON, each record's
 * position as its line), which then go through the same rules.
 */
export function readImportFile<R extends Rules>(content: Buffer | readonly CsvRecord[], kind: ImportKind<R>, fileName: string): ImportFile<ValuesOf<R>> {
  const table = Buffer.isBuffer(content)
    ? readCsvTable(content, kind.layout)
    : { records: content, problems: [], columns: [...kind.layout.required, ...(kind.layout.optional ?? [])] };
  const errors: FieldError[] = [...table.problems];
  const rows: Array<ImportRow<ValuesOf<R>>> = [];
  const firstLine = new Map<string, number>();
  for (const record of table.records) {
    const read = readRecord(record.fields, kind.rules, record.line);
    if (!read.ok) {
      errors.push(...read.errors);
      continue;
    }
    const key = kind.key(read.value);
    const first = firstLine.get(key);
    if (first !== undefined) {
      errors.push({ field: kind.keyColumns, message: `the same ${kind.keyColumns} as line ${first}; each may appear once`, line: record.line });
      continue;
    }
    firstLine.set(key, record.line);
    rows.push({ line: record.line, value: read.value });
  }
  return { rows, errors, columns: new Set(table.columns), source: { kind: 'file', name: fileName } };
}

/**
 * Records sent as JSON (an API body: the kind's columns in camelCase, e.g. receivedOn) as the CSV
 * records readImportFile reads, each value as the text a CSV field would hold, so the same rules
 * judge it; a record's position in the array, from 1, stands for its line.
 */
export function recordsFromJson(records: ReadonlyArray<Readonly<Record<string, string | number>>>): CsvRecord[] {
  return records.map((record, index) => ({
    line: index + 1,
    fields: Object.fromEntries(Object.entries(record).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), String(value)])),
  }));
}

/** Counts how each row went. */
export class SummaryCounter {
  private readonly summary: ImportSummary = { rows: 0, added: 0, changed: 0, unchanged: 0 };

  count(outcome: 'added' | 'changed' | 'unchanged'): void {
    this.summary.rows += 1;
    this.summary[outcome] += 1;
  }

  result(): ImportSummary {
    return { ...this.summary };
  }
}

/** How an import went, in one sentence, for the CLI and the page's flash message. */
export function summarySentence(fileName: string, summary: ImportSummary): string {
  const rows = summary.rows === 1 ? '1 row' : `${summary.rows} rows`;
  return `Imported ${fileName}: ${rows} — ${summary.added} added, ${summary.changed} changed, ${summary.unchanged} unchanged.`;
}
