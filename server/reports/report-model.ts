// The monthly report's view model (SPEC §5), built from the progress engine's results for the
// month and the month before — the same figures the dashboard shows, arranged for print. Pure.
import { changeSince, type Change } from '../engine/change.ts';
import { FLAG_LABELS } from '../engine/labels.ts';
import {
  COMPLIANCE_FLAGS,
  type ComplianceFlag,
  type OutstandingPoint,
  type ProgressAvailable,
  type ProgressResult,
  type Rag,
  type TrajectoryPoint,
  type UserPosition,
} from '../engine/types.ts';

export interface ReportSnapshot {
  id: number;
  asOf: string;
  fileName: string;
  sha256: string;
  rows: number;
  accepted: number;
  rejected: number;
  /** The first rejected rows, for the data-quality section. */
  rejections: Array<{ line: number; reason: string }>;
}

export interface ReportInputs {
  month: string;
  version: number;
  generatedAt: string;
  classification: string;
  implementationDate: string;
  rateWindow: number;
  /** Whether MAP IDs were checked against a MAP register (changes the definition of valid). */
  mapRegisterUsed: boolean;
  snapshot: ReportSnapshot;
  current: ProgressAvailable;
  /** Positions at the latest snapshot on or before the last day of the month before. */
  previous: ProgressResult | null;
}

export interface ChartSeries {
  /** Dates of the points, 'YYYY-MM-DD'. */
  history: Array<{ date: string; esme: number; gsme: number; total: number }>;
  trajectory: Array<{ date: string; outstanding: number }>;
  /** The User page's allowance line (progress/allowance-line.ts), when drawn. */
  allowance?: Array<{ date: string; outstanding: number }>;
}

export interface ReportUserRow {
  userId: string;
  name: string;
  registered: boolean;
  esmeOutstanding: number;
  gsmeOutstanding: number;
  totalOutstanding: number;
  completionPct: number;
  change: Change;
  actualRate: number | null;
  requiredRate: number | null;
  allowance: number | null;
  projectedCompletion: string | null;
  rag: Rag;
  reason: string;
  flags: ComplianceFlag[];
}

export interface AttentionUser extends ReportUserRow {
  baseline: number | null;
  declared: number | null;
  wdRemaining: number | null;
  chartId: string;
}

/** What the report shows: the facts it was asked for, and everything worked out from the positions. */
export interface ReportModel extends Omit<ReportInputs, 'current' | 'previous'> {
  reference: string;
  asOf: string;
  deadline: string | null;
  wdRemaining: number | null;
  programme: {
    inScope: number;
    completed: number;
    outstanding: number;
    invalid: number;
    newMissing: number;
    completionPct: number;
    baseline: number | null;
    actualRate: number | null;
    requiredRate: number | null;
    projectedCompletion: string | null;
    ragCounts: Record<Rag, number>;
    change: { since: string | null; outstanding: number | null; completed: number | null };
  };
  users: ReportUserRow[];
  columns: readonly UserTableColumn[];
  /** RED Users first, then AMBER, each with its own chart. */
  attention: AttentionUser[];
  flags: Array<{ flag: ComplianceFlag; title: string; meaning: string; users: Array<{ userId: string; name: string }> }>;
  unregistered: Array<{ userId: string }>;
  warnings: string[];
  /** Chart data keyed by chart id: 'programme' and one per attention User. */
  charts: Record<string, ChartSeries>;
}

export interface UserTableColumn {
  /** The dashboard's sort key for the column. */
  key: string;
  label: string;
  numeric: boolean;
  /** Set by the dashboard: where a click on the heading sorts to, and the current sort state. */
  href?: string;
  ariaSort?: 'ascending' | 'descending';
}

/** The User table's columns, shared by the report and the dashboard (SPEC §5 lists them). */
export const USER_TABLE_COLUMNS: readonly UserTableColumn[] = [
  { key: 'name', label: 'User', numeric: false },
  { key: 'esme', label: 'ESME outstanding', numeric: true },
  { key: 'gsme', label: 'GSME outstanding', numeric: true },
  { key: 'completion', label: '% complete', numeric: true },
  { key: 'change', label: 'Change since last month', numeric: true },
  { key: 'actual', label: 'Actual rate /WD', numeric: true },
  { key: 'required', label: 'Required rate /WD', numeric: true },
  { key: 'allowance', label: 'Allowance /WD', numeric: true },
  { key: 'projected', label: 'Projected completion', numeric: false },
  { key: 'rag', label: 'RAG', numeric: false },
  { key: 'flags', label: 'Flags', numeric: false },
];

/** e.g. BFM-2026-10-v2: printed on every page so a page on its own says where it belongs. */
export function reportReference(month: string, version: number): string {
  return `BFM-${month}-v${version}`;
}

export function series(history: OutstandingPoint[], trajectory: TrajectoryPoint[]): ChartSeries {
  return {
    history: history.map((p) => ({ date: p.asOf, esme: p.esme, gsme: p.gsme, total: p.total })),
    trajectory: trajectory.map((p) => ({ date: p.date, outstanding: p.outstanding })),
  };
}

const RAG_ORDER: Record<Rag, number> = { RED: 0, AMBER: 1, GREEN: 2 };

/** One User's row of the User table, as the report and the dashboard show it. */
export function userRow(user: UserPosition, change: Change | undefined): ReportUserRow {
  return {
    userId: user.userId,
    name: user.name,
    registered: user.registered,
    esmeOutstanding: user.esme.outstanding,
    gsmeOutstanding: user.gsme.outstanding,
    totalOutstanding: user.total.outstanding,
    completionPct: user.completionPct,
    change: change ?? { outstanding: null, completed: null, previousRag: null },
    actualRate: user.actualRate,
    requiredRate: user.requiredRate,
    allowance: user.allowance,
    projectedCompletion: user.projectedCompletion,
    rag: user.rag,
    reason: user.reason,
    flags: user.flags,
  };
}

export function buildReportModel(inputs: ReportInputs): ReportModel {
  const { current } = inputs;
  const change = changeSince(current, inputs.previous);
  const users = current.users.map((u) => userRow(u, change.users[u.userId]));
  const attentionPositions = current.users
    .filter((u) => u.rag !== 'GREEN')
    .sort((a, b) => RAG_ORDER[a.rag] - RAG_ORDER[b.rag] || a.userId.localeCompare(b.userId));
  const charts: Record<string, ChartSeries> = { programme: series(current.programme.history, current.programme.trajectory) };
  const attention = attentionPositions.map((u, i): AttentionUser => {
    const chartId = `user-${i + 1}`;
    charts[chartId] = series(u.history, u.trajectory);
    return { ...userRow(u, change.users[u.userId]), baseline: u.baseline, declared: u.declared, wdRemaining: u.wdRemaining, chartId };
  });
  const p = current.programme;
  return {
    reference: reportReference(inputs.month, inputs.version),
    month: inputs.month,
    version: inputs.version,
    generatedAt: inputs.generatedAt,
    classification: inputs.classification,
    implementationDate: inputs.implementationDate,
    rateWindow: inputs.rateWindow,
    mapRegisterUsed: inputs.mapRegisterUsed,
    asOf: current.asOf,
    deadline: current.deadline,
    wdRemaining: p.wdRemaining,
    snapshot: inputs.snapshot,
    programme: {
      inScope: p.total.inScope,
      completed: p.total.completed,
      outstanding: p.total.outstanding,
      invalid: p.total.invalid,
      newMissing: p.total.newMissing,
      completionPct: p.completionPct,
      baseline: p.baseline,
      actualRate: p.actualRate,
      requiredRate: p.requiredRate,
      projectedCompletion: p.projectedCompletion,
      ragCounts: p.ragCounts,
      change: { since: change.since, ...change.programme },
    },
    users,
    columns: USER_TABLE_COLUMNS,
    attention,
    flags: COMPLIANCE_FLAGS.map((flag) => ({
      flag,
      ...FLAG_LABELS[flag],
      users: current.users.filter((u) => u.flags.includes(flag)).map((u) => ({ userId: u.userId, name: u.name })),
    })),
    unregistered: current.users.filter((u) => !u.registered).map((u) => ({ userId: u.userId })),
    warnings: current.warnings,
    charts,
  };
}
