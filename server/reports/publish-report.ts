// Publishing one version of a month's report: after this it is immutable and the Panel can see it.
// A correction (a version drafted with a reason, superseding the published one) takes the
// published one's place; that one is kept, marked superseded.
import type { Knex } from 'knex';
import { findReport, findReportVersion, latestReportOf, publishReport, publishedVersionOf, reportFigures, type ReportRow } from '../../db/queries/reports.ts';
import { notify } from '../notifications/events.ts';
import type { ChangesJson } from './report-json.ts';
import { isUniqueViolation } from '../../db/dialect/unique-violation.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

export async function publish(knex: Knex, id: number, actor: Actor, origin: RequestOrigin = {}): Promise<ReportRow> {
  try {
    return await knex.transaction(async (trx) => {
      const report = await findReport(trx, id);
      if (!report) throw new NotFoundError('There is no such report.');
      if (report.status !== 'draft') throw new ConflictError(`Version ${report.version} of ${report.month} is already ${report.status}.`);
      const already = await publishedVersionOf(trx, report.month);
      const correction = report.supersedes_version !== null;
      if (already && !correction)
        throw new ConflictError(
          `Version ${already.version} of ${report.month} is already published; a month has one published report. To change it, issue a correction with a reason.`,
        );
      if (already && already.version !== report.supersedes_version)
        throw new ConflictError(
          `Version ${report.version} corrects version ${report.supersedes_version ?? '?'}, but version ${already.version} is the one published now; draft the correction again.`,
        );
      if (!(await publishReport(trx, id, actor.name, new Date(), already?.id ?? null)))
        throw new ConflictError('The report changed while it was being published; reload and try again.');
      await recordAudit(
        trx,
        actor,
        {
          action: 'report.publish',
          entity: 'report',
          entityId: id,
          before: { status: 'draft', ...(already ? { published: { version: already.version, id: already.id } } : {}) },
          after: {
            status: 'published',
            month: report.month,
            version: report.version,
            pdfSha256: report.pdf_sha256,
            ...(already ? { supersedes: { version: already.version, reason: report.correction_reason } } : {}),
          },
        },
        origin,
      );
      const published = (await findReport(trx, id))!;
      await notify(trx, 'report.published', { id: String(id), payload: await publishedPayload(trx, published) });
      return published;
    });
  } catch (err) {
    // Two people publishing two versions of one month at once: the unique index keeps one.
    if (isUniqueViolation(err)) throw new ConflictError('Another version of this month was published at the same time; reload to see which.');
    throw err;
  }
}

/** The version `backfill report publish --month M` means: the one given, or the month's latest. */
export async function versionToPublish(knex: Knex, month: string, version: number | undefined): Promise<ReportRow> {
  const report = version === undefined ? await latestReportOf(knex, month) : await findReportVersion(knex, month, version);
  if (!report)
    throw new NotFoundError(version === undefined ? `There is no report for ${month}; generate one first.` : `There is no version ${version} of ${month}.`);
  return report;
}

/** What the e-mail and webhook about a publication say: the month, version, RAG counts and the changes' headline. */
async function publishedPayload(knex: Knex, report: ReportRow): Promise<Record<string, unknown>> {
  const stored = await reportFigures(knex, report.id);
  const figures = stored === null ? null : (JSON.parse(stored) as { programme?: { ragCounts?: Record<string, number> }; changes?: ChangesJson });
  return {
    reportId: report.id,
    month: report.month,
    version: report.version,
    asOf: report.as_of,
    pages: report.pages,
    sha256: report.pdf_sha256,
    ragCounts: figures?.programme?.ragCounts ?? null,
    headline: changesHeadline(figures?.changes ?? null),
    since: figures?.changes?.since ?? null,
    supersedes: report.supersedes_version === null ? null : { version: report.supersedes_version, reason: report.correction_reason },
  };
}

/** "3 Users changed RAG status; the Panel moved the deadline to 2020-06-30; …" in one line. */
export function changesHeadline(changes: ChangesJson | null): string {
  if (changes === null || changes.since === null) return 'this is the first report: there is nothing earlier to compare with.';
  const parts: string[] = [];
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  parts.push(changes.rag.length === 0 ? 'no User changed RAG status' : `${count(changes.rag.length, 'User', 'Users')} changed RAG status`);
  for (const move of changes.deadline) parts.push(`the Panel moved the deadline to ${move.to}`);
  if (changes.flagsRaised.length > 0) parts.push(`${count(changes.flagsRaised.length, 'flag', 'flags')} raised`);
  if (changes.flagsCleared.length > 0) parts.push(`${count(changes.flagsCleared.length, 'flag', 'flags')} cleared`);
  if (changes.completed.length > 0) parts.push(`${count(changes.completed.length, 'User', 'Users')} newly complete`);
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
