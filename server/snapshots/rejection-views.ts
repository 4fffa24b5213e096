// What the Snapshots pages show of rejected rows: each import's groups by reason ("335 ×
// prenotified_date: not a real date …") with their first rows and how many more, the CSV of them
// all, and the status an import or snapshot reads as. Shaped here so templates only format.
import type { RejectionGroupRow } from '../../db/queries/snapshot-rejections.ts';
import type { ImportRow, SnapshotRow } from '../../db/queries/snapshots.ts';
import { groupLabel, rowsNotShown } from './format/rejection-groups.ts';
import { importViewOf } from './snapshot-views.ts';

export interface RejectionExampleView {
  line: number;
  field: string;
  /** The value as the page shows it: quoted, "(empty)", or "—" when the reason does not quote it. */
  value: string;
}

export interface RejectionGroupView {
  label: string;
  rows: number;
  examples: RejectionExampleView[];
  /** Rows of the group not shown as examples. */
  more: number;
}

export function groupViewsOf(groups: readonly RejectionGroupRow[]): RejectionGroupView[] {
  return groups.map((g) => ({
    label: groupLabel(g),
    rows: g.rows,
    examples: g.examples.map((e) => ({ line: e.line, field: e.field === '' ? 'whole row' : e.field, value: shownValue(e.value) })),
    more: rowsNotShown(g),
  }));
}

const VALUE_SHOWN = 60;

function shownValue(value: string | null): string {
  if (value === null) return '—';
  if (value.trim() === '') return '(empty)';
  const characters = [...value];
  return JSON.stringify(characters.length > VALUE_SHOWN ? `${characters.slice(0, VALUE_SHOWN).join('')}…` : value);
}

/** Where the CSV of an import's rejected rows is. */
export function rejectedCsvHref(importId: number): string {
  return `/snapshots/imports/${importId}/rejected.csv`;
}

export interface RejectedRowsView {
  importId: number;
  rejected: number;
  groups: RejectionGroupView[];
  csvHref: string;
  /** Rows the CSV lists: fewer than `rejected` only for a refused file past REFUSED_ROWS_KEPT, or whose rows were let go. */
  csvRows: number;
  csvPartial: boolean;
}

export function rejectedRowsView(importId: number, rejected: number, groups: readonly RejectionGroupRow[], rowsKept: number): RejectedRowsView {
  return { importId, rejected, groups: groupViewsOf(groups), csvHref: rejectedCsvHref(importId), csvRows: rowsKept, csvPartial: rowsKept < rejected };
}

/** A snapshot's status in the list: current, or superseded by a named later one. */
export function snapshotStatusOf(
  snapshot: Pick<SnapshotRow, 'superseded_by'>,
  successor: Pick<SnapshotRow, 'id' | 'as_of'> | undefined,
): {
  status: 'current' | 'superseded';
  supersededBy: number | null;
  supersededAsOf: string | null;
} {
  if (snapshot.superseded_by === null) return { status: 'current', supersededBy: null, supersededAsOf: null };
  return { status: 'superseded', supersededBy: snapshot.superseded_by, supersededAsOf: successor?.as_of ?? null };
}

export type AttemptStatus = 'refused' | 'failed' | 'duplicate';

/** An upload that stored no snapshot of its own, as the list shows it. */
export interface AttemptView {
  id: number;
  status: AttemptStatus;
  statusText: string;
  fileName: string;
  uploadedBy: string;
  source: string;
  startedAt: string;
  rows: number | null;
  snapshotId: number | null;
  /** Why, when refused or failed: the first reason, with its line. */
  reason: string | null;
  reasonLine: number | null;
  rejected: RejectedRowsView | null;
}

/**
 * `groups` and `rowsKept` are the import's stored groups and rejected rows (none for a refusal of
 * the whole file, such as a bad header, or one from before groups were kept).
 */
export function attemptViewOf(row: ImportRow, groups: readonly RejectionGroupRow[] | undefined, rowsKept: number): AttemptView {
  const view = importViewOf(row);
  const status: AttemptStatus = row.status === 'duplicate' ? 'duplicate' : row.refused ? 'refused' : 'failed';
  const first = view.errors[0] ?? null;
  const rejected = groups === undefined || groups.length === 0 ? null : rejectedRowsView(row.id, row.rejected ?? rowsKept, groups, rowsKept);
  return {
    id: row.id,
    status,
    statusText: status === 'duplicate' ? 'Duplicate' : status === 'refused' ? 'Refused' : 'Failed',
    fileName: view.fileName,
    uploadedBy: view.uploadedBy,
    source: view.source,
    startedAt: view.startedAt,
    rows: view.rows,
    snapshotId: view.snapshotId,
    reason: first?.reason ?? null,
    reasonLine: first?.line ?? null,
    rejected,
  };
}
