// What month M's figures are compared with (SPEC §5): what the previous report told the Panel —
// month M−1's current published report's stored figures — or, where there is none, the positions at
// M−1's snapshot with every dated fact as it stood at the end of M−1 (the deadline by its decided-on
// date). The report for M and the dashboard at a snapshot of M both ask here, so their "change" is
// always the same and always names the date compared with.
import type { Knex } from 'knex';
import type { DeadlineEntry } from '../../db/queries/deadlines.ts';
import { publishedVersionOf, reportFigures } from '../../db/queries/reports.ts';
import { listSnapshotsBetween } from '../../db/queries/snapshots.ts';
import { addMonths, lastDayOfMonth } from '../engine/calendar.ts';
import {
  changeSince,
  changesSinceLastReport,
  figuresOf,
  parseReportedFigures,
  type ChangesSinceLastReport,
  type ProgressChange,
  type ReportedFigures,
} from '../engine/change.ts';
import type { ProgressAvailable } from '../engine/types.ts';
import { positionsAt, type ProgrammeData } from './progress-service.ts';

export type ComparisonSource =
  /** The previous month's current published report, by its reference (e.g. BFM-2019-10-v1). */
  | { kind: 'report'; month: string; version: number; reference: string }
  /** No published report for the previous month: positions as things stood at its end. */
  | { kind: 'positions'; month: string; factsOn: string };

export interface Comparison {
  source: ComparisonSource | null;
  figures: ReportedFigures | null;
  /** Deadline decisions the compared figures did not know of, in the order recorded. */
  decisions: DeadlineEntry[];
}

/** The figures month `month` is compared with. */
export async function comparisonFor(knex: Knex, data: ProgrammeData, month: string): Promise<Comparison> {
  const previousMonth = addMonths(month, -1);
  const published = await publishedVersionOf(knex, previousMonth);
  const stored = published ? await reportFigures(knex, published.id) : null;
  if (published && stored !== null) {
    // The report knew every decision recorded by the time it was made.
    const madeAt = published.generated_at;
    return {
      source: { kind: 'report', month: previousMonth, version: published.version, reference: `BFM-${previousMonth}-v${published.version}` },
      figures: parseReportedFigures(stored),
      decisions: data.deadlines.filter((d) => d.recordedAt > madeAt),
    };
  }
  const end = lastDayOfMonth(previousMonth);
  const then = positionsAt(data, end, { factsOn: end });
  if (then.status !== 'ok') return { source: null, figures: null, decisions: [] };
  return {
    source: { kind: 'positions', month: previousMonth, factsOn: end },
    figures: figuresOf(then),
    decisions: data.deadlines.filter((d) => d.decidedOn > end),
  };
}

export interface MonthChanges {
  comparison: Comparison;
  /** Per User and programme figures against the compared ones. */
  change: ProgressChange;
  /** "Changes since the last report". */
  changes: ChangesSinceLastReport;
}

/** The change of positions `current` (reported for `month`) against what the previous report told. */
export async function changesFor(knex: Knex, data: ProgrammeData, month: string, current: ProgressAvailable): Promise<MonthChanges> {
  const comparison = await comparisonFor(knex, data, month);
  const since = comparison.figures?.asOf ?? null;
  const arrivals = since === null ? [] : await listSnapshotsBetween(knex, since, current.asOf);
  return {
    comparison,
    change: changeSince(current, comparison.figures),
    changes: changesSinceLastReport(current, comparison.figures, comparison.decisions, arrivals),
  };
}
