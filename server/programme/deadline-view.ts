// What the deadline page says about the engine's plan (SPEC §4.5): the earliest feasible deadline
// as a sentence naming the Users it leaves out, who changes under a what-if, and the chart's data.
// Wording and ordering only: every figure is the engine's (server/engine/what-if.ts).
import type { EarliestFeasibleDeadline, LeftOutReason, NamedUser, WhatIfResult } from '../engine/what-if.ts';
import type { Rag } from '../engine/types.ts';
import { formatDate, formatNumber } from '../templates/view-helpers.ts';
import type { AllowanceFactor } from './what-if-question.ts';

/** Users a sentence names before it says "and N more": every User may be in one. */
export const USERS_NAMED = 10;
/** Changed Users listed above the table; the table marks every one. */
export const CHANGES_LISTED = 20;

/** "A", "A and B", "A, B and C", "A, B, … J and 12 more". */
export function namesSentence(names: readonly string[], max = USERS_NAMED): string {
  const shown = names.slice(0, max);
  const more = names.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${formatNumber(more)} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

const usersWord = (count: number): string => (count === 1 ? 'User' : 'Users');

export type FeasibleView =
  | { status: 'feasible'; date: string; limitedBy: string; leftOut: string | null; leftOutCount: number }
  | { status: 'complete' }
  | { status: 'infeasible'; blocking: string; blockingCount: number };

const LEFT_OUT_ORDER: LeftOutReason[] = ['no allowance', 'allowance of 0'];

/** "A and B (no allowance) and C (allowance of 0)": grouped by why, each group in the engine's order. */
function leftOutSentence(leftOut: ReadonlyArray<NamedUser & { reason: LeftOutReason }>): string | null {
  const groups = LEFT_OUT_ORDER.map((reason) => ({ reason, names: leftOut.filter((user) => user.reason === reason).map((user) => user.name) })).filter(
    (group) => group.names.length > 0,
  );
  if (groups.length === 0) return null;
  return groups.map((group) => `${namesSentence(group.names)} (${group.reason})`).join(' and ');
}

export function feasibleView(earliest: EarliestFeasibleDeadline): FeasibleView {
  if (earliest.status === 'complete') return earliest;
  if (earliest.status === 'infeasible') {
    return { status: 'infeasible', blocking: namesSentence(earliest.blockingUsers.map((user) => user.name)), blockingCount: earliest.blockingUsers.length };
  }
  return {
    status: 'feasible',
    date: earliest.date,
    limitedBy: namesSentence(earliest.limitingUsers.map((user) => user.name)),
    leftOut: leftOutSentence(earliest.leftOut),
    leftOutCount: earliest.leftOut.length,
  };
}

export interface ChangeView {
  name: string;
  userId: string;
  from: Rag;
  to: Rag;
}

export interface WhatIfView {
  /** "With the deadline 1 Mar 2021 (a Monday) and every allowance × 1.5". */
  asked: string;
  factor: AllowanceFactor | null;
  /** "3 Users change:" / "1 User changes:" / "No User changes status." */
  changesHeading: string;
  changes: ChangeView[];
  changesMore: number;
  currentHeading: string;
  proposedHeading: string;
  /** Under the table's short "Now" and "What if" headings: "deadline 30 Jun 2021", "15 Feb 2021, allowances × 1.5". */
  currentNote: string;
  proposedNote: string;
  /** With the what-if's allowances, when they differ from those recorded. */
  feasible: FeasibleView | null;
  ragRows: Array<{ rag: Rag; current: number; proposed: number }>;
  chart: { labels: Rag[]; current: number[]; proposed: number[]; currentLabel: string; proposedLabel: string };
}

const RAGS: Rag[] = ['RED', 'AMBER', 'GREEN'];

/** The day a deadline falls on, as the page describes it. */
export interface DayOfWeek {
  weekday: string;
  workingDay: boolean;
}

export function whatIfView(result: WhatIfResult, factor: AllowanceFactor | null, day: DayOfWeek | null = null): WhatIfView {
  const scaled = factor !== null && factor.percent !== 100;
  const allowances = scaled ? ` and every allowance × ${factor.text}` : '';
  const date = formatDate(result.proposedDeadline);
  const dated = day ? `${date} (a ${day.weekday}${day.workingDay ? '' : ', not a Working Day'})` : date;
  const asked =
    result.proposedDeadline === result.deadlineInForce && scaled
      ? `With the deadline in force, ${dated},${allowances}`
      : `With the deadline ${dated}${allowances}`;
  const count = result.changed.length;
  const currentNote = result.deadlineInForce ? `deadline ${formatDate(result.deadlineInForce)}` : 'no deadline';
  const proposedNote = `${date}${scaled ? `, allowances × ${factor.text}` : ''}`;
  const currentHeading = `Now (${currentNote})`;
  const proposedHeading = `What if (${proposedNote})`;
  return {
    asked,
    factor: scaled ? factor : null,
    changesHeading: count === 0 ? 'No User changes status.' : `${formatNumber(count)} ${usersWord(count)} ${count === 1 ? 'changes' : 'change'}:`,
    changes: result.changed.slice(0, CHANGES_LISTED).map(({ name, userId, from, to }) => ({ name, userId, from, to })),
    changesMore: Math.max(0, count - CHANGES_LISTED),
    currentHeading,
    proposedHeading,
    currentNote,
    proposedNote,
    feasible: scaled ? feasibleView(result.earliestFeasible) : null,
    ragRows: RAGS.map((rag) => ({ rag, current: result.currentRagCounts[rag], proposed: result.ragCounts[rag] })),
    chart: {
      labels: RAGS,
      current: RAGS.map((rag) => result.currentRagCounts[rag]),
      proposed: RAGS.map((rag) => result.ragCounts[rag]),
      currentLabel: currentHeading,
      proposedLabel: proposedHeading,
    },
  };
}
