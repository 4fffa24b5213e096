// Publishing one version of a month's report: after this it is immutable and the Panel can see it.
import type { Knex } from 'knex';
import { findReport, publishReport, publishedVersionOf, type ReportRow } from '../../db/queries/reports.ts';
import { isUniqueViolation } from '../../db/dialect/unique-violation.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { ConflictError, NotFoundError } from '../errors.ts';

export async function publish(knex: Knex, id: number, actor: Actor, origin: RequestOrigin = {}): Promise<ReportRow> {
  try {
    return await knex.transaction(async (trx) => {
      const report = await findReport(trx, id);
      if (!report) throw new NotFoundError('There is no such report.');
      if (report.status === 'published') throw new ConflictError(`Version ${report.version} of ${report.month} is already published.`);
      const already = await publishedVersionOf(trx, report.month);
      if (already) throw new ConflictError(`Version ${already.version} of ${report.month} is already published; a month has one published report.`);
      if (!(await publishReport(trx, id, actor.name, new Date())))
        throw new ConflictError('The report changed while it was being published; reload and try again.');
      await recordAudit(
        trx,
        actor,
        {
          action: 'report.publish',
          entity: 'report',
          entityId: id,
          before: { status: 'draft' },
          after: { status: 'published', month: report.month, version: report.version, pdfSha256: report.pdf_sha256 },
        },
        origin,
      );
      return (await findReport(trx, id))!;
    });
  } catch (err) {
    // Two people publishing two versions of one month at once: the unique index keeps one.
    if (isUniqueViolation(err)) throw new ConflictError('Another version of this month was published at the same time; reload to see which.');
    throw err;
  }
}
