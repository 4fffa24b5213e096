// A User's page: its position, chart series (history per fuel, the deadline trajectory and the
// allowance line), the declarations and allowances recorded for it, its snapshots. Pure.
import { allowanceLine } from '../engine/allowance-line.ts';
import type { Change, ProgressChange } from '../engine/change.ts';
import { FLAG_LABELS } from '../engine/labels.ts';
import type { AllowanceInput, DeclarationInput, ProgressAvailable, UserPosition } from '../engine/types.ts';
import type { WorkingDays } from '../engine/working-days.ts';
import { series, type ChartSeries } from '../reports/report-model.ts';

export interface UserPageModel {
  user: UserPosition;
  asOf: string;
  deadline: string | null;
  change: Change;
  /** The as-of date of the figures change is measured against. */
  changeSince: string | null;
  flags: Array<{ flag: string; title: string; meaning: string }>;
  declarations: Array<DeclarationInput & { counted: boolean }>;
  allowances: Array<AllowanceInput & { known: boolean }>;
  /** Newest first, as a list of snapshots reads. */
  snapshots: UserPosition['history'];
  charts: Record<string, ChartSeries>;
}

export function buildUserPage(
  current: ProgressAvailable,
  compared: ProgressChange,
  userId: string,
  facts: { declarations: readonly DeclarationInput[]; allowances: readonly AllowanceInput[]; workingDays: WorkingDays },
): UserPageModel | null {
  const user = current.users.find((u) => u.userId === userId);
  if (!user) return null;
  const declarations = facts.declarations.filter((d) => d.userId === userId).sort((a, b) => a.receivedOn.localeCompare(b.receivedOn));
  const allowances = facts.allowances.filter((a) => a.userId === userId).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const chart = series(user.history, user.trajectory);
  // The line starts where the User's baseline was taken: the baseline snapshot, or the first snapshot
  // it appears in when it was absent from that one (SPEC §4.2).
  const baselineDate = current.baselineSnapshot?.asOf;
  const tb = baselineDate && user.history.find((p) => p.asOf >= baselineDate)?.asOf;
  if (tb && user.baseline !== null) {
    const dates = [...new Set([...user.history.map((p) => p.asOf), ...user.trajectory.map((p) => p.date)])].sort();
    chart.allowance = allowanceLine({ tb, baseline: user.baseline, t: current.asOf, allowances, dates }, facts.workingDays);
  }
  return {
    user,
    asOf: current.asOf,
    deadline: current.deadline,
    change: compared.users[userId] ?? { outstanding: null, completed: null, previousRag: null },
    changeSince: compared.since,
    flags: user.flags.map((flag) => ({ flag, ...FLAG_LABELS[flag] })),
    declarations: declarations.map((d) => ({ ...d, counted: d.receivedOn <= current.asOf })),
    allowances: allowances.map((a) => ({ ...a, known: a.confirmedOn <= current.asOf })),
    snapshots: [...user.history].reverse(),
    charts: { user: chart },
  };
}
