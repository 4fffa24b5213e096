// Stored monthly reports: every version of every month, its PDF and CSV, publication.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface ReportRow {
  id: number;
  month: string;
  version: number;
  /** superseded: a published version a correction has replaced; kept, and listed as such. */
  status: 'draft' | 'published' | 'superseded';
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
  summary: string | null;
  decisions: string | null;
  supersedes_version: number | null;
  correction_reason: string | null;
  stale: boolean | number;
}

/** Every column but the large ones (PDF, CSV, figures). */
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
  'summary',
  'decisions',
  'supersedes_version',
  'correction_reason',
  'stale',
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
  /** What the report told the Panel (JSON), for the next month's change. */
  figures: string;
  summary: string | null;
  decisions: string | null;
  supersedesVersion: number | null;
  correctionReason: string | null;
  stale: boolean;
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
      figures: report.figures,
      summary: report.summary,
      decisions: report.decisions,
      supersedes_version: report.supersedesVersion,
      correction_reason: report.correctionReason,
      stale: report.stale,
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

/** Newest month first; within a month the latest version first (a correction before what it superseded). */
export function listReports(knex: Knex, options: { publishedOnly: boolean }): Promise<ReportRow[]> {
  const query = knex('reports')
    .select(SUMMARY_COLUMNS)
    .orderBy([
      { column: 'month', order: 'desc' },
      { column: 'version', order: 'desc' },
    ]);
  // What the Panel sees: the current published version and those a correction superseded.
  if (options.publishedOnly) void query.whereIn('status', ['published', 'superseded']);
  return query as Promise<ReportRow[]>;
}

export async function monthsWithReports(knex: Knex): Promise<Set<string>> {
  const rows = await knex<{ month: string }>('reports').distinct('month');
  return new Set(rows.map((r) => r.month));
}

/**
 * Publishes one draft. Only a draft changes, and the unique published_month allows one published
 * version per month: publishing a second version of the month fails (the caller says which is
 * published) unless `superseding` names the published version it replaces, which then becomes
 * superseded — kept, with its PDF, but no longer the month's current report.
 */
export async function publishReport(knex: Knex, id: number, by: string, at: Date, superseding: number | null = null): Promise<boolean> {
  return knex
    .transaction(async (trx) => {
      if (superseding !== null) {
        const released = await trx('reports').where({ id: superseding, status: 'published' }).update({ status: 'superseded', published_month: null });
        if (released !== 1) return false;
      }
      const changed = await trx('reports')
        .where({ id, status: 'draft' })
        .update({ status: 'published', published_month: trx.ref('month'), published_by: by, published_at: toDbInstant(at) });
      if (changed !== 1) throw new PublishRaced();
      return true;
    })
    .catch((err: unknown) => {
      if (err instanceof PublishRaced) return false;
      throw err;
    });
}

/** Rolls the supersession back when the draft was published (or removed) meanwhile. */
class PublishRaced extends Error {}

/** The figures a report told the Panel (JSON), or null for a report made before they were kept. */
export async function reportFigures(knex: Knex, id: number): Promise<string | null> {
  const row = (await knex('reports').select('figures').where({ id }).first()) as { figures: string | null } | undefined;
  return row?.figures ?? null;
}

/** The latest version of a month, whatever its status. */
export function latestReportOf(knex: Knex, month: string): Promise<ReportRow | undefined> {
  return knex('reports').select(SUMMARY_COLUMNS).where({ month }).orderBy('version', 'desc').first() as Promise<ReportRow | undefined>;
}

/** The latest month any version was drafted for, or null. */
export async function lastReportedMonth(knex: Knex): Promise<string | null> {
  const row = (await knex('reports').max({ m: 'month' }).first()) as { m: string | null } | undefined;
  return row?.m ?? null;
}

export function publishedVersionOf(knex: Knex, month: string): Promise<ReportRow | undefined> {
  return knex('reports').select(SUMMARY_COLUMNS).where({ published_month: month }).first() as Promise<ReportRow | undefined>;
}

/** The highest version stored for a month, 0 when there is none. */
export async function latestVersionOf(knex: Knex, month: string): Promise<number> {
  const row = (await knex('reports').where({ month }).max({ v: 'version' }).first()) as { v: number | null } | undefined;
  return Number(row?.v ?? 0);
}

export function findReportVersion(knex: Knex, month: string, version: number): Promise<ReportRow | undefined> {
  return knex('reports').select(SUMMARY_COLUMNS).where({ month, version }).first() as Promise<ReportRow | undefined>;
}
