// The report's User table as CSV, for people who work in spreadsheets: the same rows and figures
// as the PDF's table (SPEC §5), unformatted so they can be summed.
import { safeCsv } from '../safe-csv.ts';
import type { ReportModel } from './report-model.ts';

const HEADER = [
  'user_id',
  'name',
  'registered',
  'esme_outstanding',
  'gsme_outstanding',
  'total_outstanding',
  'completion_pct',
  'change_since_last_month',
  'actual_rate',
  'required_rate',
  'allowance',
  'projected_completion',
  'rag',
  'reason',
  'flags',
] as const;

function rounded(value: number | null, places: number): number | null {
  return value === null ? null : Number(value.toFixed(places));
}

export function reportCsv(model: ReportModel): string {
  return safeCsv(
    HEADER,
    model.users.map((u) => [
      u.userId,
      u.name,
      u.registered ? 'yes' : 'no',
      u.esmeOutstanding,
      u.gsmeOutstanding,
      u.totalOutstanding,
      rounded(u.completionPct, 2),
      u.change.outstanding,
      rounded(u.actualRate, 3),
      rounded(u.requiredRate, 3),
      u.allowance,
      u.projectedCompletion,
      u.rag,
      u.reason,
      u.flags.join(' '),
    ]),
  );
}
