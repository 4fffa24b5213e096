// `backfill progress` and `backfill deadline what-if` without --json: the engine's result as
// aligned tables a person can read in a terminal. Formatting only; every figure is the engine's.
import { formatNumber } from '../templates/view-helpers.ts';
import type { FuelCounts, PositionFigures, ProgressResult } from '../engine/types.ts';
import type { EarliestFeasibleDeadline, WhatIfResult } from '../engine/what-if.ts';
import { textTable, type TextColumn } from '../programme/text-table.ts';

const dash = (value: string | null): string => value ?? '—';

const POSITION_COLUMNS: TextColumn[] = [
  { title: 'User ID' },
  { title: 'Name' },
  { title: 'ESME out', align: 'right' },
  { title: 'GSME out', align: 'right' },
  { title: 'Outstanding', align: 'right' },
  { title: '% done', align: 'right' },
  { title: 'Baseline', align: 'right' },
  { title: 'Declared', align: 'right' },
  { title: 'Allowance', align: 'right' },
  { title: 'Actual/WD', align: 'right' },
  { title: 'Required/WD', align: 'right' },
  { title: 'WD left', align: 'right' },
  { title: 'Projected' },
  { title: 'RAG' },
  { title: 'Reason' },
  { title: 'Flags' },
];

function figureCells(figures: PositionFigures, total: FuelCounts): string[] {
  return [
    formatNumber(figures.esme.outstanding),
    formatNumber(figures.gsme.outstanding),
    formatNumber(total.outstanding),
    formatNumber(figures.completionPct, 1),
    formatNumber(figures.baseline),
    formatNumber(figures.declared),
    formatNumber(figures.allowance),
    formatNumber(figures.actualRate, 1),
    formatNumber(figures.requiredRate, 1),
    formatNumber(figures.wdRemaining),
    dash(figures.projectedCompletion),
  ];
}

export function progressText(result: ProgressResult): string {
  const deadline = `Deadline: ${result.deadline ?? 'none set'}.`;
  if (result.status !== 'ok') return `${result.message} ${deadline}\n`;
  const heading =
    `Positions as of ${result.asOf} (snapshot ${result.snapshotId}` +
    (result.asOf === result.askedAsOf ? ')' : `, the newest on or before ${result.askedAsOf})`) +
    `. ${deadline}\n`;
  const rows = result.users.map((user) => [user.userId, user.name, ...figureCells(user, user.total), user.rag, user.reason, user.flags.join(' ')]);
  const { programme } = result;
  const ragCounts = `${programme.ragCounts.RED} RED, ${programme.ragCounts.AMBER} AMBER, ${programme.ragCounts.GREEN} GREEN`;
  rows.push(['Programme', `${result.users.length} Users`, ...figureCells(programme, programme.total), '', ragCounts, '']);
  const warnings = result.warnings.map((warning) => `Warning: ${warning}\n`).join('');
  return heading + warnings + '\n' + textTable(POSITION_COLUMNS, rows);
}

const named = (users: ReadonlyArray<{ userId: string; name: string }>): string => users.map((user) => `${user.name} (${user.userId})`).join(', ');

export function earliestFeasibleText(earliest: EarliestFeasibleDeadline): string {
  if (earliest.status === 'complete') return 'Every User has finished, so any deadline is feasible.';
  if (earliest.status === 'infeasible') {
    return `No deadline is feasible yet: these Users have MAP IDs outstanding and no allowance in force: ${named(earliest.blockingUsers)}.`;
  }
  const leftOut = earliest.leftOut.map((user) => `${user.name} (${user.userId}; ${user.reason})`).join(', ');
  return `Earliest feasible deadline: ${earliest.date}${leftOut ? `, leaving out ${leftOut}` : ''}, set by ${named(earliest.limitingUsers)}.`;
}

const WHAT_IF_COLUMNS: TextColumn[] = [
  { title: 'User ID' },
  { title: 'Name' },
  { title: 'Outstanding', align: 'right' },
  { title: 'Allowance', align: 'right' },
  { title: 'Required/WD', align: 'right' },
  { title: 'Projected' },
  { title: 'Now' },
  { title: 'What if' },
  { title: 'Reason' },
  { title: '' },
];

const counted = (counts: Record<'RED' | 'AMBER' | 'GREEN', number>): string => `${counts.RED} RED, ${counts.AMBER} AMBER, ${counts.GREEN} GREEN`;

/** The what-if's answer: RED first, as the page lists it; the Working Days to the proposed deadline said once. */
export function whatIfText(result: WhatIfResult): string {
  const rows = result.users.map((user) => [
    user.userId,
    user.name,
    formatNumber(user.outstanding),
    formatNumber(user.allowance),
    formatNumber(user.requiredRate, 1),
    dash(user.projectedCompletion),
    user.current.rag,
    user.rag,
    user.reason,
    user.changed ? 'changes' : '',
  ]);
  const allowances = result.allowancePercent === 100 ? '' : ` and every allowance × ${result.allowanceFactor}`;
  const changed = result.changed.map((user) => `${user.name} (${user.from} → ${user.to})`).join(', ');
  return (
    `With the deadline ${result.proposedDeadline}${allowances}, as of ${result.asOf} (snapshot ${result.snapshotId}): ${counted(result.ragCounts)}.\n` +
    `Now (deadline ${result.deadlineInForce ?? 'none set'}): ${counted(result.currentRagCounts)}.\n` +
    `Working Days from ${result.asOf} to ${result.proposedDeadline}: ${formatNumber(result.wdToProposed)}.\n` +
    (result.changed.length === 0
      ? 'No User changes status.\n'
      : `${result.changed.length} ${result.changed.length === 1 ? 'User changes' : 'Users change'}: ${changed}.\n`) +
    `${earliestFeasibleText(result.earliestFeasible)}\n\n` +
    textTable(WHAT_IF_COLUMNS, rows)
  );
}
