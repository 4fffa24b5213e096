// The report as systems and tests read it (`backfill report … --json`, /api/v1/reports): one shape
// for the CLI and the API.
import type { ReportRow } from '../../db/queries/reports.ts';
import type { ChangesSinceLastReport } from '../engine/change.ts';

export interface ChangesJson {
  since: string | null;
  rag: Array<{ userId: string; name: string; from: string | null; to: string }>;
  deadline: Array<{ from: string | null; to: string; decidedOn: string; reason: string }>;
  flagsRaised: Array<{ userId: string; flag: string }>;
  flagsCleared: Array<{ userId: string; flag: string }>;
  completed: string[];
}

export function changesJson(changes: ChangesSinceLastReport): ChangesJson {
  return {
    since: changes.since,
    rag: changes.rag.map(({ userId, name, from, to }) => ({ userId, name, from, to })),
    deadline: changes.deadline.map(({ from, to, decidedOn, reason }) => ({ from, to, decidedOn, reason })),
    flagsRaised: changes.flagsRaised.map(({ userId, flag }) => ({ userId, flag })),
    flagsCleared: changes.flagsCleared.map(({ userId, flag }) => ({ userId, flag })),
    completed: changes.completed.map((u) => u.userId),
  };
}

export function supersedesJson(report: Pick<ReportRow, 'supersedes_version' | 'correction_reason'>): { version: number; reason: string } | null {
  return report.supersedes_version === null ? null : { version: report.supersedes_version, reason: report.correction_reason ?? '' };
}

/** One line of `backfill report list --json`. */
export function listedReportJson(report: ReportRow) {
  return {
    month: report.month,
    version: report.version,
    status: report.status,
    sha256: report.pdf_sha256,
    asOf: report.as_of,
    supersedes: supersedesJson(report),
  };
}
