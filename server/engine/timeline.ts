// Which snapshots count (SPEC §3.1, §4.2): the newest of each as-of date, the one a question
// "as of D" is answered from, and the baseline snapshot.
import type { ProgressSettings, SnapshotInput } from './types.ts';

/** One snapshot per as-of date — the highest id — sorted by as-of date, oldest first. */
export function effectiveSnapshots(snapshots: readonly SnapshotInput[]): SnapshotInput[] {
  const newest = new Map<string, SnapshotInput>();
  for (const snapshot of snapshots) {
    const seen = newest.get(snapshot.asOf);
    if (!seen || snapshot.id > seen.id) newest.set(snapshot.asOf, snapshot);
  }
  return [...newest.values()].sort((a, b) => (a.asOf < b.asOf ? -1 : 1));
}

/** The effective snapshots with as-of on or before `date` (the last is the one to answer from). */
export function snapshotsUpTo(effective: readonly SnapshotInput[], date: string): SnapshotInput[] {
  return effective.filter((snapshot) => snapshot.asOf <= date);
}

export interface BaselineChoice {
  snapshot: SnapshotInput | null;
  warning: string | null;
}

/**
 * The baseline snapshot: the one SECAS pinned, else the first with as-of on or after the
 * implementation date. A pinned snapshot that has since been superseded gives way to its successor
 * for the same as-of date, because only the newest snapshot of a date counts (§4.2); one that does
 * not exist is reported and ignored rather than failing every page of the product.
 */
export function chooseBaselineSnapshot(effective: readonly SnapshotInput[], all: readonly SnapshotInput[], settings: ProgressSettings): BaselineChoice {
  const byDefault = effective.find((snapshot) => snapshot.asOf >= settings.implementationDate) ?? null;
  const pinnedId = settings.baselineSnapshotId;
  if (pinnedId == null) return { snapshot: byDefault, warning: null };

  const pinned = all.find((snapshot) => snapshot.id === pinnedId);
  if (!pinned) {
    return {
      snapshot: byDefault,
      warning: `The pinned baseline snapshot ${pinnedId} does not exist; ` + 'the first snapshot on or after the implementation date is used instead.',
    };
  }
  const current = effective.find((snapshot) => snapshot.asOf === pinned.asOf) ?? pinned;
  const warning =
    current.id === pinned.id
      ? null
      : `The pinned baseline snapshot ${pinned.id} (as of ${pinned.asOf}) has been superseded by ` + `snapshot ${current.id}, which is used instead.`;
  return { snapshot: current, warning };
}
