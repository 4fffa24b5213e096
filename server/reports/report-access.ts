// Who may see which report: SECAS every version, the Panel only published ones (SPEC §2). A draft
// asked for by the Panel is "not found", so its existence is not disclosed.
import type { Knex } from 'knex';
import { findReport, listReports, type ReportRow } from '../../db/queries/reports.ts';
import type { Principal } from '../auth/roles.ts';
import { NotFoundError } from '../errors.ts';

export function seesDrafts(principal: Principal): boolean {
  return principal.role === 'secas';
}

export function reportsFor(knex: Knex, principal: Principal): Promise<ReportRow[]> {
  return listReports(knex, { publishedOnly: !seesDrafts(principal) });
}

export async function reportFor(knex: Knex, principal: Principal, rawId: unknown): Promise<ReportRow> {
  const id = Number(rawId);
  const report = Number.isInteger(id) && id > 0 ? await findReport(knex, id) : undefined;
  if (!report || (report.status === 'draft' && !seesDrafts(principal))) throw new NotFoundError('There is no such report, or it has not been published yet.');
  return report;
}

/** e.g. backfill-report-2026-10-v2.pdf */
export function reportFileName(report: Pick<ReportRow, 'month' | 'version'>, extension: 'pdf' | 'csv'): string {
  return `backfill-report-${report.month}-v${report.version}.${extension}`;
}
