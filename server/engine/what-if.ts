// Deadline planning (SPEC §4.5): every User's RAG under a proposed deadline, and the earliest
// deadline by which every User could finish sending its full allowance every Working Day.
import { computeProgress, toWorkingDays } from './compute-progress.ts';
import type { ProgressInputs, ProgressUnavailable, Rag, RagReason, UserPosition } from './types.ts';
import type { WorkingDays } from './working-days.ts';

export interface WhatIfUser {
  userId: string;
  name: string;
  outstanding: number;
  allowance: number | null;
  wdRemaining: number | null;
  requiredRate: number | null;
  projectedCompletion: string | null;
  rag: Rag;
  reason: RagReason;
}

export type EarliestFeasibleDeadline =
  /** `date` is the first Working Day by which every User can finish; `limitingUsers` finish exactly then. */
  | { status: 'feasible'; date: string; limitingUsers: Array<{ userId: string; name: string }> }
  /** Every User has already finished, so any deadline is feasible. */
  | { status: 'complete' }
  /** Some Users with MAP IDs outstanding have no allowance in force (or one of 0), so no deadline is. */
  | { status: 'infeasible'; blockingUsers: Array<{ userId: string; name: string }> };

export interface WhatIfResult {
  status: 'ok';
  proposedDeadline: string;
  asOf: string;
  snapshotId: number;
  users: WhatIfUser[];
  ragCounts: Record<Rag, number>;
  earliestFeasible: EarliestFeasibleDeadline;
}

type FeasibilityFacts = Pick<UserPosition, 'userId' | 'name' | 'total' | 'allowance'>;

/**
 * The first Working Day D by which every User, sending its allowance in force at t on every Working
 * Day after t, clears its outstanding: the latest of addWd(t, ceil(outstanding / allowance)).
 *
 * It uses the allowance in force at t, as RAG rule 3 does, so that on D no User is RED "cannot
 * finish within allowance", and on the Working Day before it some User is RED — the what-if table
 * and this date never contradict each other. An allowance confirmed for a later date is not assumed.
 */
export function earliestFeasibleDeadline(users: readonly FeasibilityFacts[], t: string, workingDays: WorkingDays): EarliestFeasibleDeadline {
  const unfinished = users.filter((user) => user.total.outstanding > 0);
  if (unfinished.length === 0) return { status: 'complete' };

  const blocking: Array<{ userId: string; name: string }> = [];
  const finishes: Array<{ userId: string; name: string; date: string }> = [];
  for (const { userId, name, total, allowance } of unfinished) {
    if (allowance === null || allowance <= 0) blocking.push({ userId, name });
    // Exact for whole numbers below 2^53: a quotient that is not whole cannot round to one.
    else finishes.push({ userId, name, date: workingDays.addWd(t, Math.ceil(total.outstanding / allowance)) });
  }
  if (blocking.length > 0) return { status: 'infeasible', blockingUsers: blocking };

  const date = finishes.reduce((latest, finish) => (finish.date > latest ? finish.date : latest), t);
  const limitingUsers = finishes.filter((finish) => finish.date === date).map(({ userId, name }) => ({ userId, name }));
  return { status: 'feasible', date, limitingUsers };
}

/** Positions as of `inputs.askedAsOf` re-ranked against `proposedDeadline` instead of the deadline in force. */
export function whatIf(inputs: ProgressInputs, proposedDeadline: string): WhatIfResult | ProgressUnavailable {
  const workingDays = toWorkingDays(inputs.holidays);
  const result = computeProgress({ ...inputs, holidays: workingDays, deadline: proposedDeadline });
  if (result.status !== 'ok') return result;

  return {
    status: 'ok',
    proposedDeadline,
    asOf: result.asOf,
    snapshotId: result.snapshotId,
    users: result.users.map((user) => ({
      userId: user.userId,
      name: user.name,
      outstanding: user.total.outstanding,
      allowance: user.allowance,
      wdRemaining: user.wdRemaining,
      requiredRate: user.requiredRate,
      projectedCompletion: user.projectedCompletion,
      rag: user.rag,
      reason: user.reason,
    })),
    ragCounts: result.programme.ragCounts,
    earliestFeasible: earliestFeasibleDeadline(result.users, result.asOf, workingDays),
  };
}
