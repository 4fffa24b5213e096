// The allowance line on a User's chart: where its outstanding MAP IDs would stand had it sent its
// full allowance on every Working Day since the baseline snapshot. Beside the history it shows at a
// glance whether a User is held back by its allowance or by itself. Allowances count as known at t.
import type { AllowanceInput, TrajectoryPoint } from './types.ts';
import type { WorkingDays } from './working-days.ts';
import { addDays } from './calendar.ts';

export interface AllowanceLineInput {
  /** The baseline snapshot's as-of date and the User's baseline there. */
  tb: string;
  baseline: number;
  /** The as-of date of the positions: only allowances confirmed by then are known. */
  t: string;
  allowances: readonly AllowanceInput[];
  /** Dates to draw the line at (e.g. the snapshot dates and the deadline), in order. */
  dates: readonly string[];
}

/** The per-day allowance in force on `date` among those known: the latest effective on or before it. */
function perDayOn(known: readonly AllowanceInput[], date: string): number {
  let best: AllowanceInput | undefined;
  for (const a of known) {
    if (a.effectiveFrom > date) continue;
    if (!best || a.effectiveFrom > best.effectiveFrom || (a.effectiveFrom === best.effectiveFrom && a.confirmedOn >= best.confirmedOn)) best = a;
  }
  return best?.perDay ?? 0;
}

/**
 * baseline − the sum of the allowance in force on each Working Day d with tb < d ≤ date, never
 * below 0; drawn at each of `dates` from tb on, and ending on the Working Day it reaches 0.
 * Empty when no allowance is known at t.
 */
export function allowanceLine(input: AllowanceLineInput, workingDays: WorkingDays): TrajectoryPoint[] {
  const known = input.allowances.filter((a) => a.confirmedOn <= input.t);
  if (known.length === 0) return [];
  const dates = input.dates.filter((d) => d >= input.tb);
  const last = dates[dates.length - 1];
  if (last === undefined) return [];
  const points: TrajectoryPoint[] = [{ date: input.tb, outstanding: input.baseline }];
  let remaining = input.baseline;
  let next = dates.findIndex((d) => d > input.tb);
  for (let day = addDays(input.tb, 1); day <= last && remaining > 0 && next !== -1; day = addDays(day, 1)) {
    if (workingDays.isWorkingDay(day)) {
      remaining = Math.max(0, remaining - perDayOn(known, day));
      if (remaining === 0) {
        points.push({ date: day, outstanding: 0 });
        break;
      }
    }
    while (next !== -1 && next < dates.length && dates[next] === day) {
      points.push({ date: day, outstanding: remaining });
      next += 1;
    }
  }
  return points;
}
