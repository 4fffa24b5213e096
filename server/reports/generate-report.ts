// Generates one version of a month's report (SPEC §5): positions at the end of the month and of the
// month before from the progress service, the view model, HTML, PDF — and only when all of that
// worked, the stored version with its hashes and CSV, audited. A failure stores nothing.
import { isUniqueViolation } from '../../db/dialect/unique-violation.ts';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { insertReportVersion, latestVersionOf, type ReportRow } from '../../db/queries/reports.ts';
import { findSnapshot, listRejections, readMapRegister } from '../../db/queries/snapshots.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { AppError, ValidationError } from '../errors.ts';
import type { ViewRenderer } from '../templates/views.ts';
import type { Logger } from '../logger.ts';
import { loadProgrammeData, positionsAt } from '../progress/progress-service.ts';
import { addMonths, isIsoMonth, lastDayOfMonth } from '../engine/calendar.ts';
import type { BrowserManager } from './browser.ts';
import { reportCsv } from './report-csv.ts';
import { pageTemplates, renderReportHtml } from './report-html.ts';
import { buildReportModel, type ReportModel } from './report-model.ts';
import { renderPdf } from './render-pdf.ts';

export interface ReportServices {
  knex: Knex;
  views: ViewRenderer;
  browser: BrowserManager;
  logger: Logger;
}

export interface GeneratedReport {
  report: ReportRow;
  pdf: Buffer;
  model: ReportModel;
}

/** The data-quality section lists this many rejected rows; the count says how many there were. */
const REJECTIONS_SHOWN = 25;

export class NoSnapshotForMonthError extends AppError {
  constructor(month: string) {
    super(
      'no_snapshot',
      `There is no snapshot with an as-of date on or before ${lastDayOfMonth(month)}, so there is nothing to report for ${month}. Import one first.`,
    );
  }
}

export function parseMonth(raw: unknown): string {
  if (typeof raw === 'string' && isIsoMonth(raw.trim())) return raw.trim();
  const message = `The month must be written YYYY-MM (got ${JSON.stringify(raw)}).`;
  throw new ValidationError(message, [{ field: 'month', message }]);
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The version number the report was rendered with was taken meanwhile (by another instance). */
class VersionTaken extends Error {}

/** The report's view model for a month, from the database as it is now. */
async function modelFor(knex: Knex, month: string, version: number, generatedAt: Date): Promise<ReportModel> {
  const end = lastDayOfMonth(month);
  const data = await loadProgrammeData(knex, end);
  const current = positionsAt(data, end);
  if (current.status !== 'ok') throw new NoSnapshotForMonthError(month);
  const previous = positionsAt(data, lastDayOfMonth(addMonths(month, -1)));
  const snapshot = await findSnapshot(knex, current.snapshotId);
  if (!snapshot) throw new Error(`Snapshot ${current.snapshotId} disappeared while the report was made`);
  return buildReportModel({
    month,
    version,
    generatedAt: generatedAt.toISOString(),
    classification: data.settings.reportClassification,
    implementationDate: data.settings.implementationDate,
    rateWindow: data.settings.rateWindow,
    mapRegisterUsed: (await readMapRegister(knex)).length > 0,
    snapshot: {
      id: snapshot.id,
      asOf: snapshot.as_of,
      fileName: snapshot.file_name,
      sha256: snapshot.sha256,
      rows: snapshot.rows,
      accepted: snapshot.accepted,
      rejected: snapshot.rejected,
      rejections: await listRejections(knex, snapshot.id, { offset: 0, limit: REJECTIONS_SHOWN }),
    },
    current,
    previous,
  });
}

export async function generateReport(services: ReportServices, rawMonth: string, actor: Actor, origin: RequestOrigin = {}): Promise<GeneratedReport> {
  const month = parseMonth(rawMonth);
  const { knex } = services;
  for (let tries = 0; ; tries += 1) {
    const generatedAt = new Date();
    const started = performance.now();
    const model = await modelFor(knex, month, (await latestVersionOf(knex, month)) + 1, generatedAt);
    const loaded = performance.now();
    const html = renderReportHtml(services.views, model);
    const written = performance.now();
    const rendered = await renderPdf(services.browser, html, pageTemplates(model));
    const timings = { data: Math.round(loaded - started), html: Math.round(written - loaded), ...rendered.timings };
    try {
      const report = await knex.transaction(async (trx) => {
        const row = await insertReportVersion(trx, {
          month,
          snapshotId: model.snapshot.id,
          snapshotSha256: model.snapshot.sha256,
          asOf: model.asOf,
          pdf: rendered.pdf,
          pdfSha256: sha256(rendered.pdf),
          pages: rendered.pages,
          csv: reportCsv(model),
          generatedBy: actor.name,
          generatedAt,
          timings,
        });
        if (row.version !== model.version) throw new VersionTaken(`version ${model.version} of ${month} was stored meanwhile`);
        await recordAudit(
          trx,
          actor,
          {
            action: 'report.generate',
            entity: 'report',
            entityId: row.id,
            after: { month, version: row.version, asOf: row.as_of, snapshotId: row.snapshot_id, pdfSha256: row.pdf_sha256, pages: row.pages },
          },
          origin,
        );
        return row;
      });
      services.logger.info({ month, version: report.version, pages: report.pages, timings }, 'report generated');
      return { report, pdf: rendered.pdf, model };
    } catch (err) {
      // Another instance stored a version of this month meanwhile: render again with the next number.
      if ((err instanceof VersionTaken || isUniqueViolation(err)) && tries < 3) continue;
      throw err;
    }
  }
}
