// Series for charts: outstanding at each snapshot that counts, and the deadline trajectory of
// SPEC §4.2 — a straight line in Working Days from the baseline at tb to nothing at the deadline.
import { totalOf } from './fuel-counts.ts';
import type { OutstandingPoint, SnapshotRef, TrajectoryPoint, UserCounts } from './types.ts';
import type { WorkingDays } from './working-days.ts';

export function outstandingPoint(snapshot: SnapshotRef, counts: UserCounts): OutstandingPoint {
  return {
    snapshotId: snapshot.id,
    asOf: snapshot.asOf,
    esme: counts.esme.outstanding,
    gsme: counts.gsme.outstanding,
    total: totalOf(counts).outstanding,
  };
}

/** Where a deadline trajectory runs: from tb to the deadline, drawn at `dates`. */
export interface TrajectoryFrame {
  tb: string;
  deadline: string;
  /** tb, every snapshot date between tb and the deadline (to read against the history), the deadline. */
  dates: string[];
}

/**
 * Null when there is no baseline snapshot or deadline yet, or no Working Day from tb to the
 * deadline: then no line can be drawn.
 */
export function trajectoryFrame(
  tb: string | null,
  deadline: string | null,
  snapshotDates: readonly string[],
  workingDays: WorkingDays,
): TrajectoryFrame | null {
  if (tb === null || deadline === null || workingDays.wdBetween(tb, deadline) === 0) return null;
  return { tb, deadline, dates: [tb, ...snapshotDates.filter((date) => date > tb && date < deadline), deadline] };
}

/** baseline × max(0, 1 − wdBetween(tb, d) / wdBetween(tb, deadline)) at each date of the frame. */
export function deadlineTrajectory(baseline: number | null, frame: TrajectoryFrame | null, workingDays: WorkingDays): TrajectoryPoint[] {
  if (baseline === null || frame === null) return [];
  const span = workingDays.wdBetween(frame.tb, frame.deadline);
  return frame.dates.map((date) => ({
    date,
    outstanding: baseline * Math.max(0, 1 - workingDays.wdBetween(frame.tb, date) / span),
  }));
}
