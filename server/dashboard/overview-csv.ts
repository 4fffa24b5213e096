// The overview's User table as CSV: the rows the page lists with its filter and as-of date (every
// page of them), with the columns it shows and the figures as it shows them (rates and percentages
// to one decimal), so the file matches the screen. Text cells go through the CSV-injection guard.
import { safeCsv } from '../safe-csv.ts';
import { OVERVIEW_COLUMNS, type OverviewRow } from './overview-model.ts';

function oneDecimal(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(1));
}

/** The table's headings, the User ID before them and the full reason after the status. */
const HEADER = ['User ID', ...OVERVIEW_COLUMNS.flatMap((c) => (c.key === 'rag' ? [c.label, 'Reason'] : [c.label]))];

export function overviewCsv(rows: readonly OverviewRow[]): string {
  return safeCsv(
    HEADER,
    rows.map((r) => [
      r.userId,
      r.name,
      r.rag,
      r.reasonText,
      r.totalOutstanding,
      r.esmeOutstanding,
      r.gsmeOutstanding,
      oneDecimal(r.completionPct),
      r.change.outstanding,
      oneDecimal(r.actualRate),
      oneDecimal(r.requiredRate),
      r.allowance,
      r.projectedCompletion,
      r.flagLabels.join('; '),
    ]),
  );
}
