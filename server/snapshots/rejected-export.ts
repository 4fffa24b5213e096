// Every rejected row of an import as CSV (line, field, value, reason), for whoever fixes the
// extract in a spreadsheet: read from where the rows are kept — an accepted snapshot's
// snapshot_rejections, a refused import's snapshot_import_rejections — a page at a time, so millions
// of rows stream. A row with two problems is two CSV rows, one per field, as the groups count it.
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { rejectedRowsAfter } from '../../db/queries/snapshot-rejections.ts';
import { safeCsvRows, type CsvValue } from '../safe-csv.ts';
import { problemsOf } from './format/rejection-groups.ts';

export const REJECTED_COLUMNS = ['line', 'field', 'value', 'reason'] as const;

const PAGE = 5000;

/** CSV rows of one stored rejected row. */
export function csvRowsOf(row: { line: number; reason: string }): CsvValue[][] {
  return problemsOf(row.reason).map((p) => [row.line, p.field, p.value, p.field === '' ? p.reason : `${p.field} ${p.reason}`]);
}

/** Writes the CSV to `out` and ends it; returns the CSV rows written (not counting the header). */
export async function writeRejectedCsv(knex: Knex, of: { snapshotId: number } | { importId: number }, out: Writable): Promise<number> {
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };
  await write(safeCsvRows([REJECTED_COLUMNS]));
  let written = 0;
  let after = 0;
  for (;;) {
    const rows = await rejectedRowsAfter(knex, of, after, PAGE);
    const lines = rows.flatMap(csvRowsOf);
    if (lines.length > 0) await write(safeCsvRows(lines));
    written += lines.length;
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.line;
  }
  out.end();
  return written;
}
