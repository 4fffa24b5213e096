// How far the deadline is from the date a page or report is read for (today, an asked date, a
// report's month end) — not from the snapshot the positions rest on, so that a deadline gone by
// since old data was taken reads as passed. Every face words it with templates/deadline-words.ts;
// the API keeps the engine's numeric wdRemaining (counted from the snapshot, for the required rate).
import type { WorkingDays } from './working-days.ts';

export type DeadlineDistance =
  | { state: 'none'; on: string }
  | { state: 'ahead'; deadline: string; on: string; wd: number }
  | { state: 'today'; deadline: string; on: string }
  | { state: 'passed'; deadline: string; on: string; wd: number };

export function deadlineDistance(deadline: string | null, on: string, workingDays: WorkingDays): DeadlineDistance {
  if (deadline === null) return { state: 'none', on };
  if (deadline === on) return { state: 'today', deadline, on };
  if (deadline > on) return { state: 'ahead', deadline, on, wd: workingDays.wdBetween(on, deadline) };
  return { state: 'passed', deadline, on, wd: workingDays.wdBetween(deadline, on) };
}
