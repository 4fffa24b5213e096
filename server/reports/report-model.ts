// The monthly report's view model (SPEC §5), built from the progress engine's results for the
// month and the month before — the same figures the dashboard shows, arranged for print. Pure.
import { figuresOf, type Change, type ChangesSinceLastReport, type ProgressChange, type ReportedFigures } from '../engine/change.ts';
import { FLAG_LABELS } from '../engine/labels.ts';
import type { Staleness } from '../engine/staleness.ts';
import type { DeadlineDistance } from '../engine/deadline-distance.ts';
import { deadlineWords } from '../templates/deadline-words.ts';
import type { ComparisonSource } from '../progress/comparison.ts';
import { listItems, textBlocks, type TextBlock } from './plain-text.ts';
import {
  COMPLIANCE_FLAGS,
  type ComplianceFlag,
  type OutstandingPoint,
  type ProgressAvailable,
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
  /** The Panel paper's reference, or '' for none. */
  paperReference: string;
  /** The implementation date the snapshot was counted with. */
  implementationDate: string;
  rateWindow: number;
  /** Whether MAP IDs were checked against a MAP register (changes the definition of valid). */
  mapRegisterUsed: boolean;
  snapshot: ReportSnapshot;
  current: ProgressAvailable;
  /** What the figures are compared with: the previous month's published report, or positions then. */
  comparison: ComparisonSource | null;
  change: ProgressChange;
  changes: ChangesSinceLastReport;
  staleness: Staleness;
  /** The deadline seen from the end of the month reported on (a deadline gone by then reads as passed). */
  deadlineDistance: DeadlineDistance;
  summary: string | null;
  decisions: string | null;
  /** For a correction: the published version it supersedes, and why. */
  supersedes: { version: number; reason: string } | null;
  /** Enforcement actions of each RED and AMBER User since the previous report, and any overdue. */
  actions?: ReadonlyMap<string, UserActions>;
}

export interface ReportAction {
  kindLabel: string;
  takenOn: string;
  dueOn: string | null;
  text: string;
  recordedBy: string;
}

export interface UserActions {
  recent: ReportAction[];
  overdue: ReportAction[];
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
  actions: UserActions;
}

/** What the report shows: the facts it was asked for, and everything worked out from the positions. */
export interface ReportModel extends Omit<ReportInputs, 'current' | 'change' | 'summary' | 'decisions' | 'actions' | 'deadlineDistance'> {
  /** "Deadline passed on 30 Jun 2020, 23 Working Days before 31 Jul 2020", as the dashboard words it. */
  deadlineText: string;
  reference: string;
  /** What this report tells the Panel, stored with it for next month's comparison. */
  figures: ReportedFigures;
  /** "since 28 Nov 2019 (report BFM-2019-11-v1)": what every change in it is measured against. */
  comparedWith: { since: string; reference: string | null } | null;
  summary: TextBlock[];
  decisions: string[];
  /** Whether SECAS wrote anything: the executive summary page is printed only then. */
  executive: boolean;
  /** The sections in print order, for the cover's contents list. */
  contents: string[];
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
  /** RED first, then AMBER, then GREEN, each by outstanding, largest first. */
  users: ReportUserRow[];
  columns: readonly UserTableColumn[];
  /** RED Users first, then AMBER (by outstanding, largest first), each with its own chart. */
  attention: AttentionUser[];
  flags: Array<{ flag: ComplianceFlag; title: string; meaning: string; users: Array<{ userId: string; name: string; registered: boolean }> }>;
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

/** The report's User table columns (SPEC §5 lists them); the dashboard's one-line table has its own, OVERVIEW_COLUMNS. */
export const USER_TABLE_COLUMNS: readonly UserTableColumn[] = [
  { key: 'name', label: 'User', numeric: false },
  { key: 'esme', label: 'ESME outstanding', numeric: true },
  { key: 'gsme', label: 'GSME outstanding', numeric: true },
  { key: 'completion', label: '% complete', numeric: true },
  { key: 'change', label: 'Change since last report', numeric: true },
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

/** The Panel's reading order: RED, then AMBER, then GREEN; within each, most outstanding first. */
export function byReadingOrder<T extends { rag: Rag; total: { outstanding: number }; name: string; userId: string }>(a: T, b: T): number {
  return RAG_ORDER[a.rag] - RAG_ORDER[b.rag] || b.total.outstanding - a.total.outstanding || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId);
}

const NO_ACTIONS: UserActions = { recent: [], overdue: [] };

export function buildReportModel(inputs: ReportInputs): ReportModel {
  const { current, change } = inputs;
  const ordered = [...current.users].sort(byReadingOrder);
  const users = ordered.map((u) => userRow(u, change.users[u.userId]));
  const charts: Record<string, ChartSeries> = { programme: series(current.programme.history, current.programme.trajectory) };
  const attention = ordered
    .filter((u) => u.rag !== 'GREEN')
    .map((u, i): AttentionUser => {
      const chartId = `user-${i + 1}`;
      charts[chartId] = series(u.history, u.trajectory);
      return {
        ...userRow(u, change.users[u.userId]),
        baseline: u.baseline,
        declared: u.declared,
        wdRemaining: u.wdRemaining,
        chartId,
        actions: inputs.actions?.get(u.userId) ?? NO_ACTIONS,
      };
    });
  const p = current.programme;
  const summary = textBlocks(inputs.summary);
  const decisions = listItems(inputs.decisions);
  const comparison = inputs.comparison;
  return {
    reference: reportReference(inputs.month, inputs.version),
    month: inputs.month,
    version: inputs.version,
    generatedAt: inputs.generatedAt,
    classification: inputs.classification,
    paperReference: inputs.paperReference,
    implementationDate: inputs.implementationDate,
    rateWindow: inputs.rateWindow,
    mapRegisterUsed: inputs.mapRegisterUsed,
    asOf: current.asOf,
    deadline: current.deadline,
    deadlineText: deadlineWords(inputs.deadlineDistance, false),
    wdRemaining: p.wdRemaining,
    snapshot: inputs.snapshot,
    figures: figuresOf(current),
    comparison,
    comparedWith: change.since === null ? null : { since: change.since, reference: comparison?.kind === 'report' ? comparison.reference : null },
    changes: inputs.changes,
    staleness: inputs.staleness,
    summary,
    decisions,
    executive: summary.length > 0 || decisions.length > 0,
    supersedes: inputs.supersedes,
    contents: [
      ...(summary.length > 0 || decisions.length > 0 ? ['Executive summary'] : []),
      'Summary',
      'Changes since the last report',
      'Every User',
      'Users at RED or AMBER',
      'Compliance flags',
      'Data quality',
      'Definitions',
    ],
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
      users: ordered.filter((u) => u.flags.includes(flag)).map((u) => ({ userId: u.userId, name: u.name, registered: u.registered })),
    })),
    unregistered: current.users.filter((u) => !u.registered).map((u) => ({ userId: u.userId })),
    warnings: current.warnings,
    charts,
  };
}
