// Whether figures rest on stale data (SPEC §5): no snapshot has arrived since the figures compared
// with, or the newest is more than `limit` Working Days older than the date the figures are for
// (a report's month end, the dashboard's day). The report's cover and summary, the job run and the
// dashboard's banner all say so from this.
import type { WorkingDays } from './working-days.ts';

export interface Staleness {
  stale: boolean;
  /** The snapshot's as-of date. */
  asOf: string;
  /** Working Days from the snapshot's as-of date to the date the figures are for. */
  ageWd: number;
  /** The setting: stale beyond this many Working Days. */
  limit: number;
  tooOld: boolean;
  /** No snapshot newer than the one the previous figures came from. */
  noNewSnapshot: boolean;
}

export function staleness(asOf: string, previousAsOf: string | null, on: string, workingDays: WorkingDays, limit: number): Staleness {
  const ageWd = workingDays.wdBetween(asOf, on);
  const tooOld = ageWd > limit;
  const noNewSnapshot = previousAsOf !== null && asOf <= previousAsOf;
  return { stale: tooOld || noNewSnapshot, asOf, ageWd, limit, tooOld, noNewSnapshot };
}

/**
 * Whether the newest snapshot on or before `on` is too old for figures as of `on` (the banner every
 * page showing positions carries); null when no snapshot is that old, or there is none at all.
 */
export function tooOldData(snapshotDates: readonly string[], on: string, workingDays: WorkingDays, limit: number): Staleness | null {
  let newest: string | null = null;
  for (const date of snapshotDates) if (date <= on && (newest === null || date > newest)) newest = date;
  if (newest === null) return null;
  const age = staleness(newest, null, on, workingDays, limit);
  return age.tooOld ? age : null;
}
