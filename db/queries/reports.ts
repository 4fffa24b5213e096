// Stored monthly reports: every version of every month, its PDF and CSV, publication.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface ReportRow {
  id: number;
  month: string;
  version: number;
  status: 'draft' | 'published';
  snapshot_id: number;
  snapshot_sha256: string;
  as_of: string;
  pdf_sha256: string;
  pages: number;
  generated_by: string;
  generated_at: string;
  published_month: string | null;
  published_by: string | null;
  published_at: string | null;
  timings: string | null;
}

/** Every column but the two large ones. */
const SUMMARY_COLUMNS: string[] = [
  'id',
  'month',
  'version',
  'status',
  'snapshot_id',
  'snapshot_sha256',
  'as_of',
  'pdf_sha256',
  'pages',
  'generated_by',
  'generated_at',
  'published_month',
  'published_by',
  'published_at',
  'timings',
];

export interface NewReport {
  month: string;
  snapshotId: number;
  snapshotSha256: string;
  asOf: string;
  pdf: Buffer;
  pdfSha256: string;
  pages: number;
  csv: string;
  generatedBy: string;
  generatedAt: Date;
  timings: Record<string, number>;
}

/**
 * Stores a new version of a month's report. The version is the next for the month; two instances
 * storing at once collide on the (month, version) key and the caller retries with the next one.
 */
export async function insertReportVersion(knex: Knex, report: NewReport): Promise<ReportRow> {
  return knex.transaction(async (trx) => {
    const latest = (await trx('reports').where({ month: report.month }).max({ v: 'version' }).first()) as { v: number | null } | undefined;
    const version = Number(latest?.v ?? 0) + 1;
    const [id] = await trx('reports').insert({
      month: report.month,
      version,
      status: 'draft',
      snapshot_id: report.snapshotId,
      snapshot_sha256: report.snapshotSha256,
      as_of: report.asOf,
      pdf: report.pdf,
      pdf_sha256: report.pdfSha256,
      pages: report.pages,
      csv: report.csv,
      generated_by: report.generatedBy,
      generated_at: toDbInstant(report.generatedAt),
      timings: JSON.stringify(report.timings),
    });
    return (await findReport(trx, Number(id)))!;
  });
}

export function findReport(knex: Knex, id: number): Promise<ReportRow | undefined> {
  return knex('reports').select(SUMMARY_COLUMNS).where({ id }).first() as Promise<ReportRow | undefined>;
}

export async function reportPdf(knex: Knex, id: number): Promise<Buffer | undefined> {
  const row = (await knex('reports').select('pdf').where({ id }).first()) as { pdf: Buffer } | undefined;
  return row?.pdf;
}

export async function reportCsv(knex: Knex, id: number): Promise<string | undefined> {
  const row = (await knex('reports').select('csv').where({ id }).first()) as { csv: string } | undefined;
  return row?.csv;
}

export function listReports(knex: Knex, options: { publishedOnly: boolean }): Promise<ReportRow[]> {
  const query = knex('reports')
    .select(SUMMARY_COLUMNS)
    .orderBy([
      { column: 'month', order: 'desc' },
      { column: 'version', order: 'desc' },
    ]);
  if (options.publishedOnly) void query.where({ status: 'published' });
  return query as Promise<ReportRow[]>;
}

export async function monthsWithReports(knex: Knex): Promise<Set<string>> {
  const rows = await knex<{ month: string }>('reports').distinct('month');
  return new Set(rows.map((r) => r.month));
}

/**
 * Publishes one draft. Only a draft changes, and the unique published_month allows one published
 * version per month: a second publication of the month fails (the caller says which is published).
 */
export async function publishReport(knex: Knex, id: number, by: string, at: Date): Promise<boolean> {
  const changed = await knex('reports')
    .where({ id, status: 'draft' })
    .update({ status: 'published', published_month: knex.ref('month'), published_by: by, published_at: toDbInstant(at) });
  return changed === 1;
}

export function publishedVersionOf(knex: Knex, month: string): Promise<ReportRow | undefined> {
  return knex('reports').select(SUMMARY_COLUMNS).where({ published_month: month }).first() as Promise<ReportRow | undefined>;
}

/** The highest version stored for a month, 0 when there is none. */
export async function latestVersionOf(knex: Knex, month: string): Promise<number> {
  const row = (await knex('reports').where({ month }).max({ v: 'version' }).first()) as { v: number | null } | undefined;
  return Number(row?.v ?? 0);
}
