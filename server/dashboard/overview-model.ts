// The overview page's view model: the programme's position, the chart series and the User table,
// filtered by RAG and flag and sorted as asked — the same rows the report prints. Pure.
import type { ChangesSinceLastReport, ProgressChange } from '../engine/change.ts';
import type { Staleness } from '../engine/staleness.ts';
import { FLAG_LABELS } from '../engine/labels.ts';
import { COMPLIANCE_FLAGS, type ComplianceFlag, type ProgressAvailable, type Rag } from '../engine/types.ts';
import { series, userRow, type ChartSeries, type ReportUserRow } from '../reports/report-model.ts';

export const SORT_KEYS = ['user', 'name', 'esme', 'gsme', 'completion', 'change', 'actual', 'required', 'allowance', 'projected', 'rag'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface OverviewQuery {
  rag: Rag | null;
  flag: ComplianceFlag | null;
  sort: SortKey;
  descending: boolean;
}

const RAG_RANK: Record<Rag, number> = { RED: 0, AMBER: 1, GREEN: 2 };

/** Missing values sort last whichever way the column is sorted. */
function compare(a: number | string | null, b: number | string | null, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return descending ? -order : order;
}

const SORT_VALUE: Record<SortKey, (row: ReportUserRow) => number | string | null> = {
  user: (r) => r.userId,
  name: (r) => r.name.toLowerCase(),
  esme: (r) => r.esmeOutstanding,
  gsme: (r) => r.gsmeOutstanding,
  completion: (r) => r.completionPct,
  change: (r) => r.change.outstanding,
  actual: (r) => r.actualRate,
  required: (r) => r.requiredRate,
  allowance: (r) => r.allowance,
  projected: (r) => r.projectedCompletion,
  rag: (r) => RAG_RANK[r.rag],
};

export function parseOverviewQuery(query: Record<string, unknown>): OverviewQuery {
  const rag = typeof query.rag === 'string' && ['RED', 'AMBER', 'GREEN'].includes(query.rag) ? (query.rag as Rag) : null;
  const flag = COMPLIANCE_FLAGS.find((f) => f === query.flag) ?? null;
  const sort = SORT_KEYS.find((k) => k === query.sort) ?? 'rag';
  return { rag, flag, sort, descending: query.dir === 'desc' };
}

export interface OverviewModel {
  current: ProgressAvailable;
  change: { since: string | null; outstanding: number | null; completed: number | null };
  /** "Changes since the last report", as the report for this snapshot's month lists them. */
  changes: ChangesSinceLastReport;
  /** What change is measured against: the previous month's report (its reference) or positions then. */
  comparedWith: { since: string; reference: string | null } | null;
  staleness: Staleness;
  users: ReportUserRow[];
  /** How many Users the table would show without the filters. */
  totalUsers: number;
  charts: Record<string, ChartSeries>;
  flags: Array<{ flag: ComplianceFlag; title: string; count: number }>;
}

export function buildOverview(
  current: ProgressAvailable,
  compared: { change: ProgressChange; changes: ChangesSinceLastReport; staleness: Staleness; reference: string | null },
  query: OverviewQuery,
): OverviewModel {
  const { change } = compared;
  const rows = current.users.map((u) => userRow(u, change.users[u.userId]));
  const shown = rows
    .filter((r) => (query.rag === null || r.rag === query.rag) && (query.flag === null || r.flags.includes(query.flag)))
    // By RAG, the report's reading order: within each status, most outstanding first.
    .sort(
      (a, b) =>
        compare(SORT_VALUE[query.sort](a), SORT_VALUE[query.sort](b), query.descending) ||
        (query.sort === 'rag' ? b.totalOutstanding - a.totalOutstanding : 0) ||
        a.userId.localeCompare(b.userId),
    );
  return {
    current,
    change: { since: change.since, ...change.programme },
    changes: compared.changes,
    comparedWith: change.since === null ? null : { since: change.since, reference: compared.reference },
    staleness: compared.staleness,
    users: shown,
    totalUsers: rows.length,
    charts: { programme: series(current.programme.history, current.programme.trajectory) },
    flags: COMPLIANCE_FLAGS.map((flag) => ({ flag, title: FLAG_LABELS[flag].title, count: current.programme.flagCounts[flag] })),
  };
}
