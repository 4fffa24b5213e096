// Generates one version of a month's report (SPEC §5): positions at the end of the month and of the
// month before from the progress service, the view model, HTML, PDF — and only when all of that
// worked, the stored version with its hashes and CSV, audited. A failure stores nothing.
import { isUniqueViolation } from '../../db/dialect/unique-violation.ts';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { insertReportVersion, latestReportOf, publishedVersionOf, type ReportRow } from '../../db/queries/reports.ts';
import { findSnapshot, listRejections } from '../../db/queries/snapshots.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { AppError, ConflictError, ValidationError } from '../errors.ts';
import type { ViewRenderer } from '../templates/views.ts';
import type { Logger } from '../logger.ts';
import { secondsSince, type MetricsSink } from '../metrics/sink.ts';
import { actionsForReport } from '../actions/enforcement-actions.ts';
import { changesFor } from '../progress/comparison.ts';
import { loadProgrammeData, positionsAt } from '../progress/progress-service.ts';
import { staleness } from '../engine/staleness.ts';
import { deadlineDistance } from '../engine/deadline-distance.ts';
import { addMonths, isIsoMonth, lastDayOfMonth } from '../engine/calendar.ts';
import type { BrowserManager } from './browser.ts';
import { reportCsv } from './report-csv.ts';
import { changesJson } from './report-json.ts';
import { pageTemplates, renderReportHtml } from './report-html.ts';
import { buildReportModel, type ReportModel } from './report-model.ts';
import { renderPdf } from './render-pdf.ts';

export interface ReportServices {
  knex: Knex;
  views: ViewRenderer;
  browser: BrowserManager;
  logger: Logger;
  /** Runs in the transaction that stores the version (the scheduler tells SECAS from here). */
  onStored?: (trx: Knex, report: ReportRow, model: ReportModel) => Promise<void>;
  /** Counts each generation's outcome, time and pages (GET /metrics). */
  metrics?: MetricsSink | undefined;
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

/** What SECAS adds to a version: its words, and for a correction, why. */
export interface ReportText {
  /** The executive summary: plain text, paragraphs and simple lists. Undefined carries the previous version's over. */
  summary?: string | null | undefined;
  /** Decisions sought from the Panel, one a line. Undefined carries the previous version's over. */
  decisions?: string | null | undefined;
  /** Makes the new version a correction of the month's published report, for this reason. */
  correctionReason?: string | undefined;
}

/** The most SECAS may write in a summary (about four pages of print). */
const SUMMARY_MAX = 20_000;
const DECISIONS_MAX = 4_000;

function cleanText(raw: string | null | undefined, max: number, field: string, what: string): string | null {
  if (raw === null || raw === undefined) return null;
  const text = raw.replace(/\r\n?/g, '\n').trim();
  if (text.length > max) {
    const message = `${what} is ${text.length.toLocaleString('en-GB')} characters long; the most is ${max.toLocaleString('en-GB')}.`;
    throw new ValidationError(message, [{ field, message }]);
  }
  return text === '' ? null : text;
}

export function cleanSummary(raw: string | null | undefined): string | null {
  return cleanText(raw, SUMMARY_MAX, 'summary', 'The executive summary');
}

export function cleanDecisions(raw: string | null | undefined): string | null {
  return cleanText(raw, DECISIONS_MAX, 'decisions', 'The list of decisions sought');
}

/** What the new version is: its number, SECAS's words, and what it corrects. */
interface VersionPlan {
  version: number;
  summary: string | null;
  decisions: string | null;
  supersedes: { version: number; reason: string } | null;
}

/**
 * A new version carries the summary over from the one before, so nothing typed is lost. Once a
 * month has a published report, a new version can only be a correction of it, with a reason (given
 * now, or carried over from a correction drafted before).
 */
async function planVersion(knex: Knex, month: string, text: ReportText): Promise<VersionPlan> {
  const latest = await latestReportOf(knex, month);
  const published = await publishedVersionOf(knex, month);
  const given = text.correctionReason?.trim();
  if (text.correctionReason !== undefined && !given) {
    const message = 'Say why the published report is being corrected: the new cover prints the reason.';
    throw new ValidationError(message, [{ field: 'reason', message }]);
  }
  if (given !== undefined && given.length > 1000) {
    const message = 'The reason for the correction must be at most 1,000 characters.';
    throw new ValidationError(message, [{ field: 'reason', message }]);
  }
  if (given && !published) throw new ConflictError(`There is no published report for ${month} to correct; generate a draft instead.`);
  const carried = latest?.status === 'draft' && latest.correction_reason !== null ? latest.correction_reason : null;
  const reason = given ?? carried;
  if (published && reason === null)
    throw new ConflictError(
      `Version ${published.version} of ${month} is published and stays as it is. To change it, issue a correction with a reason (backfill report correct --month ${month} --reason TEXT).`,
    );
  return {
    version: (latest?.version ?? 0) + 1,
    summary: text.summary === undefined ? (latest?.summary ?? null) : cleanSummary(text.summary),
    decisions: text.decisions === undefined ? (latest?.decisions ?? null) : cleanDecisions(text.decisions),
    supersedes: published && reason !== null ? { version: published.version, reason } : null,
  };
}

/** The rules a snapshot was counted with, as stored with it (null: imported before they were kept). */
function snapshotRules(snapshot: { rules_implementation_date: string | null; rules_map_register: string | null }, fallback: string) {
  return { implementationDate: snapshot.rules_implementation_date ?? fallback, mapRegisterUsed: snapshot.rules_map_register !== null };
}

/** The report's view model for a month, from the database as it is now. */
async function modelFor(knex: Knex, month: string, plan: VersionPlan, generatedAt: Date): Promise<ReportModel> {
  const end = lastDayOfMonth(month);
  const data = await loadProgrammeData(knex, end);
  const current = positionsAt(data, end);
  if (current.status !== 'ok') throw new NoSnapshotForMonthError(month);
  const snapshot = await findSnapshot(knex, current.snapshotId);
  if (!snapshot) throw new Error(`Snapshot ${current.snapshotId} disappeared while the report was made`);
  const { comparison, change, changes } = await changesFor(knex, data, month, current);
  const rules = snapshotRules(snapshot, data.settings.implementationDate);
  // The RED and AMBER Users' actions in the month reported on (the last report listed those before),
  // and any overdue at its end: the trail as it stood then, whenever the report is made.
  const attention = current.users.filter((u) => u.rag !== 'GREEN').map((u) => u.userId);
  const actions = await actionsForReport(knex, { userIds: attention, since: lastDayOfMonth(addMonths(month, -1)), asOf: end });
  return buildReportModel({
    month,
    version: plan.version,
    generatedAt: generatedAt.toISOString(),
    classification: data.settings.reportClassification,
    paperReference: data.settings.paperReference,
    implementationDate: rules.implementationDate,
    rateWindow: data.settings.rateWindow,
    mapRegisterUsed: rules.mapRegisterUsed,
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
    comparison: comparison.source,
    change,
    changes,
    staleness: staleness(current.asOf, changes.since, end, data.workingDays, data.settings.staleAfter),
    deadlineDistance: deadlineDistance(current.deadline, end, data.workingDays),
    summary: plan.summary,
    decisions: plan.decisions,
    supersedes: plan.supersedes,
    actions,
  });
}

export async function generateReport(
  services: ReportServices,
  rawMonth: string,
  actor: Actor,
  origin: RequestOrigin = {},
  text: ReportText = {},
): Promise<GeneratedReport> {
  const started = performance.now();
  try {
    const generated = await generate(services, rawMonth, actor, origin, text);
    services.metrics?.reportRender({ outcome: 'generated', seconds: secondsSince(started), pages: generated.report.pages });
    return generated;
  } catch (err) {
    // Refused: nothing to render (a bad month, no snapshot, a draft that changed meanwhile); failed: the rendering broke.
    const refused = err instanceof ValidationError || err instanceof NoSnapshotForMonthError || err instanceof ConflictError;
    services.metrics?.reportRender({ outcome: refused ? 'refused' : 'failed', seconds: secondsSince(started), pages: null });
    throw err;
  }
}

async function generate(services: ReportServices, rawMonth: string, actor: Actor, origin: RequestOrigin, text: ReportText): Promise<GeneratedReport> {
  const month = parseMonth(rawMonth);
  const { knex } = services;
  for (let tries = 0; ; tries += 1) {
    const generatedAt = new Date();
    const started = performance.now();
    const plan = await planVersion(knex, month, text);
    const model = await modelFor(knex, month, plan, generatedAt);
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
          // What it told the Panel, and the changes it printed: the next month compares with the first, systems read both.
          figures: JSON.stringify({ ...model.figures, changes: changesJson(model.changes) }),
          summary: plan.summary,
          decisions: plan.decisions,
          supersedesVersion: plan.supersedes?.version ?? null,
          correctionReason: plan.supersedes?.reason ?? null,
          stale: model.staleness.stale,
        });
        if (row.version !== model.version) throw new VersionTaken(`version ${model.version} of ${month} was stored meanwhile`);
        await recordAudit(
          trx,
          actor,
          {
            action: plan.supersedes ? 'report.correct' : 'report.generate',
            entity: 'report',
            entityId: row.id,
            after: {
              month,
              version: row.version,
              asOf: row.as_of,
              snapshotId: row.snapshot_id,
              pdfSha256: row.pdf_sha256,
              pages: row.pages,
              ...(plan.supersedes ? { supersedes: plan.supersedes } : {}),
            },
          },
          origin,
        );
        await services.onStored?.(trx, row, model);
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
