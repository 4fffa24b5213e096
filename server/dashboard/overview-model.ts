// The overview page's view model: the programme's position, the chart series and the User table,
// filtered by RAG and flag and sorted as asked — the same rows the report prints, each with its
// RAG reason as a short tag and its flags by their labels. Pure.
import type { ChangesSinceLastReport, ProgressChange } from '../engine/change.ts';
import { FLAG_LABELS, REASON_LABELS } from '../engine/labels.ts';
import { COMPLIANCE_FLAGS, type ComplianceFlag, type ProgressAvailable, type Rag } from '../engine/types.ts';
import { series, userRow, type ChartSeries, type ReportUserRow } from '../reports/report-model.ts';

export const SORT_KEYS = [
  'user',
  'name',
  'outstanding',
  'esme',
  'gsme',
  'completion',
  'change',
  'actual',
  'required',
  'allowance',
  'projected',
  'rag',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface OverviewQuery {
  rag: Rag | null;
  flag: ComplianceFlag | null;
  sort: SortKey;
  descending: boolean;
}

export interface OverviewColumn {
  key: string;
  label: string;
  numeric: boolean;
}

/** The overview's table, in order: the CSV of it has the same columns (with the User ID beside the name). */
export const OVERVIEW_COLUMNS: readonly OverviewColumn[] = [
  { key: 'name', label: 'User', numeric: false },
  { key: 'rag', label: 'Status', numeric: false },
  { key: 'outstanding', label: 'Outstanding', numeric: true },
  { key: 'esme', label: 'ESME', numeric: true },
  { key: 'gsme', label: 'GSME', numeric: true },
  { key: 'completion', label: '% complete', numeric: true },
  { key: 'change', label: 'Change since last report', numeric: true },
  { key: 'actual', label: 'Actual rate /WD', numeric: true },
  { key: 'required', label: 'Required rate /WD', numeric: true },
  { key: 'allowance', label: 'Allowance /WD', numeric: true },
  { key: 'projected', label: 'Projected completion', numeric: false },
  { key: 'flags', label: 'Flags', numeric: false },
];

export interface OverviewRow extends ReportUserRow {
  reasonTag: string;
  reasonText: string;
  /** The id of the full reason, which the tag points at with aria-describedby. */
  reasonId: string;
  flagLabels: string[];
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
  outstanding: (r) => r.totalOutstanding,
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

/** The filter in force in words ("status RED and flag “Declaration late”"), or null when none is. */
export function filterWords(query: Pick<OverviewQuery, 'rag' | 'flag'>): string | null {
  const parts = [query.rag && `status ${query.rag}`, query.flag && `flag “${FLAG_LABELS[query.flag].title}”`].filter((p) => p !== null);
  return parts.length === 0 ? null : parts.join(' and ');
}

export interface OverviewModel {
  current: ProgressAvailable;
  change: { since: string | null; outstanding: number | null; completed: number | null };
  /** "Changes since the last report", as the report for this snapshot's month lists them. */
  changes: ChangesSinceLastReport;
  /** What change is measured against: the previous month's report (its reference) or positions then. */
  comparedWith: { since: string; reference: string | null } | null;
  users: OverviewRow[];
  /** How many Users the table would show without the filters. */
  totalUsers: number;
  filter: string | null;
  charts: Record<string, ChartSeries>;
  flags: Array<{ flag: ComplianceFlag; title: string; count: number }>;
}

export function overviewRow(row: ReportUserRow): OverviewRow {
  // The report's rows carry the reason as text; every reason the engine gives has a label.
  const reason = (REASON_LABELS as Record<string, { tag: string; text: string } | undefined>)[row.reason];
  return {
    ...row,
    reasonTag: reason?.tag ?? row.reason,
    reasonText: reason?.text ?? row.reason,
    reasonId: `reason-${row.userId}`,
    flagLabels: row.flags.map((flag) => FLAG_LABELS[flag].title),
  };
}

export function buildOverview(
  current: ProgressAvailable,
  compared: { change: ProgressChange; changes: ChangesSinceLastReport; reference: string | null },
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
    users: shown.map(overviewRow),
    totalUsers: rows.length,
    filter: filterWords(query),
    charts: { programme: series(current.programme.history, current.programme.trajectory) },
    flags: COMPLIANCE_FLAGS.map((flag) => ({ flag, title: FLAG_LABELS[flag].title, count: current.programme.flagCounts[flag] })),
  };
}
