// The RAG status of SPEC §4.3: the first rule that matches wins; rules that need a deadline are
// skipped without one.
import type { Rag, RagReason } from './types.ts';

export interface RagFacts {
  outstanding: number;
  deadline: string | null;
  wdRemaining: number | null;
  requiredRate: number | null;
  allowance: number | null;
  actualRate: number | null;
  projectedCompletion: string | null;
}

export interface RagStatus {
  rag: Rag;
  reason: RagReason;
}

export function ragStatus(facts: RagFacts): RagStatus {
  const { outstanding, deadline, wdRemaining, requiredRate, allowance, actualRate, projectedCompletion } = facts;
  const hasDeadline = deadline !== null;

  if (outstanding === 0) return { rag: 'GREEN', reason: 'complete' };
  if (hasDeadline && wdRemaining === 0) return { rag: 'RED', reason: 'deadline missed' };
  if (hasDeadline && allowance !== null && requiredRate !== null && requiredRate > allowance) {
    return { rag: 'RED', reason: 'cannot finish within allowance' };
  }
  // The worked example (examples/progress-scenario.json) words rule 4 as "not enough snapshots".
  if (actualRate === null) return { rag: 'AMBER', reason: 'not enough snapshots' };
  if (actualRate <= 0) return { rag: hasDeadline ? 'RED' : 'AMBER', reason: 'no progress' };
  if (hasDeadline && projectedCompletion !== null && projectedCompletion > deadline) {
    return { rag: 'AMBER', reason: 'projected after deadline' };
  }
  return { rag: 'GREEN', reason: 'on track' };
}
