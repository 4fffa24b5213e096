// Deadline planning (SPEC §4.5): every User's RAG under a proposed deadline — and, if asked, with
// every allowance scaled — beside its RAG now, and the earliest deadline by which every User with
// an allowance could finish sending its full allowance every Working Day.
import { computeProgress, toWorkingDays } from './compute-progress.ts';
import type { AllowanceInput, ProgressAvailable, ProgressInputs, ProgressUnavailable, Rag, RagReason, UserPosition } from './types.ts';
import type { WorkingDays } from './working-days.ts';

export interface RagAndReason {
  rag: Rag;
  reason: RagReason;
}

export interface WhatIfUser {
  userId: string;
  name: string;
  outstanding: number;
  /** The allowance the what-if assumes: the one in force, scaled when the what-if scales allowances. */
  allowance: number | null;
  /** The allowance in force as recorded. */
  allowanceInForce: number | null;
  wdRemaining: number | null;
  requiredRate: number | null;
  projectedCompletion: string | null;
  /** The status under the what-if. */
  rag: Rag;
  reason: RagReason;
  /** The status now: the deadline in force and the allowances as recorded. */
  current: RagAndReason;
  /** True when the RAG differs from the current one (a new reason under the same RAG is no change). */
  changed: boolean;
}

export type LeftOutReason = 'no allowance' | 'allowance of 0';

export interface NamedUser {
  userId: string;
  name: string;
}

export type EarliestFeasibleDeadline =
  /**
   * `date` is the first Working Day by which every User with an allowance can finish;
   * `limitingUsers` finish exactly then. `leftOut` are Users with MAP IDs outstanding and no
   * allowance (or one of 0): they cannot finish at any rate, so the date is worked out without them.
   */
  | { status: 'feasible'; date: string; limitingUsers: NamedUser[]; leftOut: Array<NamedUser & { reason: LeftOutReason }> }
  /** Every User has already finished, so any deadline is feasible. */
  | { status: 'complete' }
  /** No User with MAP IDs outstanding has an allowance in force (above 0), so there is no date to give. */
  | { status: 'infeasible'; blockingUsers: NamedUser[] };

export interface WhatIfResult {
  status: 'ok';
  proposedDeadline: string;
  /** The deadline the current statuses are measured against (null when none is set). */
  deadlineInForce: string | null;
  /** Every allowance is taken at this many hundredths of itself (100: as recorded). */
  allowancePercent: number;
  /** The same as a multiplier (1.5), as people write it. */
  allowanceFactor: number;
  asOf: string;
  snapshotId: number;
  /** Working Days from the snapshot's date to the proposed deadline: every User's required rate divides by it. */
  wdToProposed: number;
  /** RED first, then AMBER, then GREEN (by the what-if status); within each, most outstanding first. */
  users: WhatIfUser[];
  ragCounts: Record<Rag, number>;
  currentRagCounts: Record<Rag, number>;
  /** The Users whose RAG changes, in the order of `users`. */
  changed: Array<NamedUser & { from: Rag; to: Rag }>;
  /** With the what-if's allowances. */
  earliestFeasible: EarliestFeasibleDeadline;
}

type FeasibilityFacts = Pick<UserPosition, 'userId' | 'name' | 'total' | 'allowance'>;

/**
 * The first Working Day D by which every User with an allowance, sending its allowance in force at t
 * on every Working Day after t, clears its outstanding: the latest of addWd(t, ceil(outstanding / allowance)).
 *
 * It uses the allowance in force at t, as RAG rule 3 does, so that on D no User with an allowance
 * is RED "cannot finish within allowance", and on the Working Day before it some User is RED — the
 * what-if table and this date never contradict each other. An allowance confirmed for a later date
 * is not assumed. Users with outstanding MAP IDs and no allowance are left out and named: a date
 * with them left out answers the Panel's question; "no date" would not.
 */
export function earliestFeasibleDeadline(users: readonly FeasibilityFacts[], t: string, workingDays: WorkingDays): EarliestFeasibleDeadline {
  const unfinished = users.filter((user) => user.total.outstanding > 0);
  if (unfinished.length === 0) return { status: 'complete' };

  const leftOut: Array<NamedUser & { reason: LeftOutReason }> = [];
  const finishes: Array<NamedUser & { date: string }> = [];
  for (const { userId, name, total, allowance } of unfinished) {
    if (allowance === null) leftOut.push({ userId, name, reason: 'no allowance' });
    else if (allowance <= 0) leftOut.push({ userId, name, reason: 'allowance of 0' });
    // Exact for whole numbers below 2^53: a quotient that is not whole cannot round to one.
    else finishes.push({ userId, name, date: workingDays.addWd(t, Math.ceil(total.outstanding / allowance)) });
  }
  if (finishes.length === 0) return { status: 'infeasible', blockingUsers: leftOut.map(({ userId, name }) => ({ userId, name })) };

  const date = finishes.reduce((latest, finish) => (finish.date > latest ? finish.date : latest), t);
  const limitingUsers = finishes.filter((finish) => finish.date === date).map(({ userId, name }) => ({ userId, name }));
  return { status: 'feasible', date, limitingUsers, leftOut };
}

/**
 * An allowance taken at `percent` hundredths of itself, in whole requests a Working Day (rounded
 * down: the DCC allows whole service requests). Integer arithmetic, so 29 % of 100 is 29, not 28.
 */
export function scaleAllowance(perDay: number, percent: number): number {
  const hundredths = perDay * percent;
  return (hundredths - (hundredths % 100)) / 100;
}

function scaledAllowances(allowances: readonly AllowanceInput[], percent: number): AllowanceInput[] {
  return allowances.map((allowance) => ({ ...allowance, perDay: scaleAllowance(allowance.perDay, percent) }));
}

const RAG_RANK: Record<Rag, number> = { RED: 0, AMBER: 1, GREEN: 2 };

/** RED first, then AMBER, then GREEN; within each, most outstanding first; then by User ID — the overview's and the report's order. */
function byStatusThenOutstanding(a: WhatIfUser, b: WhatIfUser): number {
  return RAG_RANK[a.rag] - RAG_RANK[b.rag] || b.outstanding - a.outstanding || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

export interface WhatIfOptions {
  /** Every allowance at this many hundredths of itself (150: ×1.5); 100 or absent: as recorded. */
  allowancePercent?: number;
  /** Positions from `inputs` as they are (the deadline in force), when already computed. */
  current?: ProgressAvailable;
}

/**
 * Positions as of `inputs.askedAsOf` re-ranked against `proposedDeadline` instead of the deadline in
 * force, with every allowance scaled if asked, beside each User's status now.
 */
export function whatIf(inputs: ProgressInputs, proposedDeadline: string, options: WhatIfOptions = {}): WhatIfResult | ProgressUnavailable {
  const workingDays = toWorkingDays(inputs.holidays);
  const allowancePercent = options.allowancePercent ?? 100;
  const allowances = allowancePercent === 100 ? inputs.allowances : scaledAllowances(inputs.allowances, allowancePercent);
  const result = computeProgress({ ...inputs, holidays: workingDays, deadline: proposedDeadline, allowances });
  if (result.status !== 'ok') return result;
  const now = options.current ?? computeProgress({ ...inputs, holidays: workingDays });
  if (now.status !== 'ok') return now;
  const currentOf = new Map(now.users.map((user) => [user.userId, user]));

  const users = result.users
    .map((user): WhatIfUser => {
      // Both come from the same snapshot and register, so every User is in both.
      const current = currentOf.get(user.userId)!;
      return {
        userId: user.userId,
        name: user.name,
        outstanding: user.total.outstanding,
        allowance: user.allowance,
        allowanceInForce: current.allowance,
        wdRemaining: user.wdRemaining,
        requiredRate: user.requiredRate,
        projectedCompletion: user.projectedCompletion,
        rag: user.rag,
        reason: user.reason,
        current: { rag: current.rag, reason: current.reason },
        changed: current.rag !== user.rag,
      };
    })
    .sort(byStatusThenOutstanding);

  return {
    status: 'ok',
    proposedDeadline,
    deadlineInForce: inputs.deadline,
    allowancePercent,
    allowanceFactor: allowancePercent / 100,
    asOf: result.asOf,
    snapshotId: result.snapshotId,
    wdToProposed: workingDays.wdBetween(result.asOf, proposedDeadline),
    users,
    ragCounts: result.programme.ragCounts,
    currentRagCounts: now.programme.ragCounts,
    changed: users.filter((user) => user.changed).map(({ userId, name, current, rag }) => ({ userId, name, from: current.rag, to: rag })),
    earliestFeasible: earliestFeasibleDeadline(result.users, result.asOf, workingDays),
  };
}
