// "Change since the previous month" (SPEC §5): positions now against what the previous report told
// the Panel — that report's stored figures, or positions worked out as things stood at the end of
// the month before. The report, the dashboard, the API and the CLI all take change from here, with
// the date compared with. Negative outstanding change is progress.
import type { DeadlineDecision } from './dated-facts.ts';
import { COMPLIANCE_FLAGS, type ComplianceFlag, type ProgressAvailable, type Rag, type RagReason } from './types.ts';

/** One User as a report told it: enough to say later what changed. */
export interface ReportedUser {
  userId: string;
  name: string;
  rag: Rag;
  reason: RagReason;
  inScope: number;
  completed: number;
  outstanding: number;
  flags: ComplianceFlag[];
}

/** What a report told the Panel, kept with the report (as JSON) so the next one compares with it. */
export interface ReportedFigures {
  asOf: string;
  deadline: string | null;
  programme: { inScope: number; completed: number; outstanding: number; ragCounts: Record<Rag, number> };
  users: ReportedUser[];
}

export function figuresOf(positions: ProgressAvailable): ReportedFigures {
  const p = positions.programme;
  return {
    asOf: positions.asOf,
    deadline: positions.deadline,
    programme: { inScope: p.total.inScope, completed: p.total.completed, outstanding: p.total.outstanding, ragCounts: { ...p.ragCounts } },
    users: positions.users.map((u) => ({
      userId: u.userId,
      name: u.name,
      rag: u.rag,
      reason: u.reason,
      inScope: u.total.inScope,
      completed: u.total.completed,
      outstanding: u.total.outstanding,
      flags: [...u.flags],
    })),
  };
}

/** Reads figures stored with a report, refusing anything that is not their shape. */
export function parseReportedFigures(json: string): ReportedFigures {
  const value = JSON.parse(json) as ReportedFigures;
  if (typeof value?.asOf !== 'string' || !Array.isArray(value.users) || typeof value.programme?.outstanding !== 'number')
    throw new Error('The figures stored with the report are not in the expected shape');
  return value;
}

export interface Change {
  /** Outstanding now minus outstanding then; null when there was no position then. */
  outstanding: number | null;
  completed: number | null;
  /** The RAG status then, to show a User moving between RED, AMBER and GREEN. */
  previousRag: Rag | null;
}

export interface ProgressChange {
  /** The as-of date of the figures compared with, or null when there were none. */
  since: string | null;
  programme: Omit<Change, 'previousRag'>;
  users: Record<string, Change>;
}

export function changeSince(current: ProgressAvailable, previous: ReportedFigures | null): ProgressChange {
  const earlier = new Map(previous?.users.map((u) => [u.userId, u]) ?? []);
  const users: Record<string, Change> = {};
  for (const user of current.users) {
    const then = earlier.get(user.userId);
    users[user.userId] = then
      ? { outstanding: user.total.outstanding - then.outstanding, completed: user.total.completed - then.completed, previousRag: then.rag }
      : { outstanding: null, completed: null, previousRag: null };
  }
  const total = current.programme.total;
  return {
    since: previous?.asOf ?? null,
    programme: previous
      ? { outstanding: total.outstanding - previous.programme.outstanding, completed: total.completed - previous.programme.completed }
      : { outstanding: null, completed: null },
    users,
  };
}

export interface RagMove {
  userId: string;
  name: string;
  /** Null for a User the previous report did not list. */
  from: Rag | null;
  to: Rag;
  reason: RagReason;
}

export interface DeadlineMove {
  from: string | null;
  to: string;
  decidedOn: string;
  reason: string;
}

export interface FlagChange {
  userId: string;
  name: string;
  flag: ComplianceFlag;
}

export interface SnapshotArrival {
  id: number;
  asOf: string;
  fileName: string;
}

/** "Changes since the last report" (SPEC §5): what a Panel member needs to read the month's movement. */
export interface ChangesSinceLastReport {
  /** The as-of date of the figures compared with; null when there is nothing to compare with. */
  since: string | null;
  rag: RagMove[];
  deadline: DeadlineMove[];
  flagsRaised: FlagChange[];
  flagsCleared: FlagChange[];
  /** Users that are complete now and were not before. */
  completed: Array<{ userId: string; name: string }>;
  snapshots: SnapshotArrival[];
}

const RAG_RANK: Record<Rag, number> = { RED: 0, AMBER: 1, GREEN: 2 };

/**
 * What changed between the previous figures and the positions now. `decisions` are the deadline
 * decisions the previous figures did not know of, in the order they were recorded; `arrivals` the
 * snapshots since. Moves are listed worst first (to RED, then AMBER, then GREEN), then by name.
 */
export function changesSinceLastReport(
  current: ProgressAvailable,
  previous: ReportedFigures | null,
  decisions: readonly DeadlineDecision[],
  arrivals: readonly SnapshotArrival[],
): ChangesSinceLastReport {
  if (previous === null) return { since: null, rag: [], deadline: [], flagsRaised: [], flagsCleared: [], completed: [], snapshots: [...arrivals] };
  const earlier = new Map(previous.users.map((u) => [u.userId, u]));
  const rag: RagMove[] = [];
  const flagsRaised: FlagChange[] = [];
  const flagsCleared: FlagChange[] = [];
  const completed: Array<{ userId: string; name: string }> = [];
  for (const user of current.users) {
    const then = earlier.get(user.userId);
    if (then?.rag !== user.rag) rag.push({ userId: user.userId, name: user.name, from: then?.rag ?? null, to: user.rag, reason: user.reason });
    const before = new Set(then?.flags ?? []);
    const now = new Set(user.flags);
    for (const flag of COMPLIANCE_FLAGS) {
      if (now.has(flag) && !before.has(flag)) flagsRaised.push({ userId: user.userId, name: user.name, flag });
      if (before.has(flag) && !now.has(flag)) flagsCleared.push({ userId: user.userId, name: user.name, flag });
    }
    if (user.reason === 'complete' && then?.reason !== 'complete') completed.push({ userId: user.userId, name: user.name });
  }
  rag.sort((a, b) => RAG_RANK[a.to] - RAG_RANK[b.to] || a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
  let from = previous.deadline;
  const deadline = [...decisions]
    .sort((a, b) => a.id - b.id)
    .map((d) => {
      const move = { from, to: d.deadline, decidedOn: d.decidedOn, reason: d.reason };
      from = d.deadline;
      return move;
    });
  return { since: previous.asOf, rag, deadline, flagsRaised, flagsCleared, completed, snapshots: [...arrivals] };
}
