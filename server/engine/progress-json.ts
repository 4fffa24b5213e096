// The `progress --json` object of SPEC §6.3 (also GET /api/v1/progress): exactly its keys, dates as
// 'YYYY-MM-DD', absent values as null.
import type { FuelCounts, ProgressResult, UserPosition } from './types.ts';

/** A User as §6.3 lists it: the spec's fields of a UserPosition, in the spec's order. */
export type ProgressJsonUser = Pick<
  UserPosition,
  | 'userId'
  | 'name'
  | 'esme'
  | 'gsme'
  | 'total'
  | 'completionPct'
  | 'baseline'
  | 'declared'
  | 'allowance'
  | 'actualRate'
  | 'requiredRate'
  | 'wdRemaining'
  | 'projectedCompletion'
  | 'rag'
  | 'reason'
  | 'flags'
>;

export interface ProgressJson {
  /** null, with no users, when no snapshot is on or before the asked date. */
  asOf: string | null;
  snapshotId: number | null;
  deadline: string | null;
  users: ProgressJsonUser[];
}

/** A fresh object with the five count keys only, in the order the spec lists them. */
function countsJson(counts: FuelCounts): FuelCounts {
  const { inScope, completed, invalid, outstanding, newMissing } = counts;
  return { inScope, completed, invalid, outstanding, newMissing };
}

function userJson(user: UserPosition): ProgressJsonUser {
  return {
    userId: user.userId,
    name: user.name,
    esme: countsJson(user.esme),
    gsme: countsJson(user.gsme),
    total: countsJson(user.total),
    completionPct: user.completionPct,
    baseline: user.baseline,
    declared: user.declared,
    allowance: user.allowance,
    actualRate: user.actualRate,
    requiredRate: user.requiredRate,
    wdRemaining: user.wdRemaining,
    projectedCompletion: user.projectedCompletion,
    rag: user.rag,
    reason: user.reason,
    flags: [...user.flags],
  };
}

export function toProgressJson(result: ProgressResult): ProgressJson {
  if (result.status === 'no-snapshot') {
    return { asOf: null, snapshotId: null, deadline: result.deadline, users: [] };
  }
  return {
    asOf: result.asOf,
    snapshotId: result.snapshotId,
    deadline: result.deadline,
    users: result.users.map(userJson),
  };
}
