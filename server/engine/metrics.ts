// The measures of SPEC §4.2 at snapshot S with as-of date t — actual and required rate, Working
// Days remaining, projected completion — shared by every User and by the programme totals.
import { daysToCover, isPositive, ratio } from './ratio.ts';
import type { Ratio } from './ratio.ts';
import type { FuelCounts } from './types.ts';
import type { WorkingDays } from './working-days.ts';

/** A User's totals in one snapshot that counts. */
export interface Observation {
  snapshotId: number;
  asOf: string;
  total: FuelCounts;
}

export interface ActualRate {
  /** MAP IDs completed per Working Day, exactly. */
  rate: Ratio;
  /** S0, the snapshot the rate is measured from. */
  from: Observation;
}

/**
 * actualRate: among `observations` (on or after the baseline snapshot, in which the User appears,
 * oldest first), S0 is the newest at least `rateWindow` Working Days before t, else the oldest before
 * t; null when there is none or no Working Day lies between S0 and t.
 */
export function measureActualRate(
  observations: readonly Observation[],
  t: string,
  outstandingAtT: number,
  rateWindow: number,
  workingDays: WorkingDays,
): ActualRate | null {
  const older = observations.filter((o) => o.asOf < t);
  const from = older.findLast((o) => workingDays.wdBetween(o.asOf, t) >= rateWindow) ?? older[0];
  if (!from) return null;
  const span = workingDays.wdBetween(from.asOf, t);
  if (span === 0) return null;
  return { rate: ratio(from.total.outstanding - outstandingAtT, span), from };
}

/** wdBetween(t, deadline), or null without a deadline. */
export function wdRemaining(t: string, deadline: string | null, workingDays: WorkingDays): number | null {
  return deadline === null ? null : workingDays.wdBetween(t, deadline);
}

/** outstanding / wdRemaining; null without a deadline or when no Working Day is left. */
export function requiredRate(outstanding: number, remaining: number | null): number | null {
  return remaining === null || remaining === 0 ? null : outstanding / remaining;
}

/** t when nothing is outstanding; the Working Day the actual rate would finish on; else null. */
export function projectCompletion(t: string, outstanding: number, rate: Ratio | null, workingDays: WorkingDays): string | null {
  if (outstanding === 0) return t;
  if (rate === null || !isPositive(rate)) return null;
  return workingDays.addWd(t, daysToCover(outstanding, rate));
}
