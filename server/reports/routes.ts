// Reports pages and API: months and versions, generate and publish (SECAS), download PDF and CSV.
import type { Request, Response } from 'express';
import { latestReportOf, publishedVersionOf, reportCsv, reportFigures, reportPdf, type ReportRow } from '../../db/queries/reports.ts';
import { originOf } from '../auth/routes.ts';
import { allow, type Routes } from '../auth/access.ts';
import { actorOf } from '../auth/roles.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Report, ReportList, ReportSummary } from '../http/api-schemas.ts';
import { paged } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { RenderError } from './browser.ts';
import { cleanDecisions, cleanSummary, generateReport, NoSnapshotForMonthError, parseMonth, type ReportServices } from './generate-report.ts';
import { errorsView } from '../programme/page-support.ts';
import { listItems, textBlocks } from './plain-text.ts';
import { supersedesJson } from './report-json.ts';
import { publish } from './publish-report.ts';
import { reportFileName, reportFor, reportsFor, seesDrafts } from './report-access.ts';
import { addMonths, londonToday, monthOf } from '../engine/calendar.ts';

const MONTHS_PER_PAGE = 24;

function sendFile(res: Response, report: ReportRow, kind: 'pdf' | 'csv', body: Buffer | string): void {
  res.set('Content-Disposition', `attachment; filename="${reportFileName(report, kind)}"`);
  res.set('Cache-Control', report.status === 'published' ? 'private, max-age=86400, immutable' : 'no-store');
  res.type(kind === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8').send(body);
}

function summary(report: ReportRow): ReportSummary {
  return {
    id: report.id,
    month: report.month,
    version: report.version,
    status: report.status,
    asOf: report.as_of,
    snapshotId: report.snapshot_id,
    snapshotSha256: report.snapshot_sha256,
    sha256: report.pdf_sha256,
    pages: report.pages,
    generatedAt: report.generated_at,
    generatedBy: report.generated_by,
    publishedAt: report.published_at,
    stale: Boolean(report.stale),
    supersedes: supersedesJson(report),
    pdf: `/api/v1/reports/${report.id}.pdf`,
  };
}

interface GenerateForm {
  month: string;
  monthError?: string;
  renderProblem?: string;
}

/** A generate the user can act on: a month to correct (beside the field) or a render that failed (above the form). */
function refusal(err: unknown, month: string): { form: GenerateForm; status: number } | null {
  if (err instanceof ValidationError || err instanceof NoSnapshotForMonthError) return { form: { month, monthError: err.message }, status: 422 };
  if (err instanceof ConflictError) return { form: { month, monthError: err.message }, status: 409 };
  if (err instanceof RenderError)
    return { form: { month, renderProblem: `${err.message} Nothing was stored; try again, or tell your administrator if it keeps happening.` }, status: 503 };
  return null;
}

export function registerReportRoutes(routes: Routes, ctx: RouteContext, services: ReportServices): void {
  const viewers = allow('secas', 'panel');

  /** The reports page; after a refused generate, with the month as typed and what was wrong. */
  const showReports = async (req: Request, res: Response, form: GenerateForm | null = null, status = 200): Promise<void> => {
    const principal = req.principal!;
    const reports = await reportsFor(ctx.knex, principal);
    const months = new Map<string, ReportRow[]>();
    for (const report of reports) months.set(report.month, [...(months.get(report.month) ?? []), report]);
    const canManage = seesDrafts(principal);
    // Each month's versions stay together: the list pages by month, two years to a page.
    const shown = paged(req, [...months], { path: '/reports', label: 'Pages of reports', fragment: 'reports-title', size: MONTHS_PER_PAGE });
    ctx.pages.page(
      req,
      res,
      'reports',
      {
        title: 'Reports',
        styles: ['reports.css'],
        canManage,
        browserProblem: canManage ? services.browser.unavailableReason() : null,
        month: form?.month ?? addMonths(monthOf(londonToday()), -1),
        monthError: form?.monthError ?? null,
        renderProblem: form?.renderProblem ?? null,
        pagination: shown.pagination,
        months: shown.rows.map(([month, versions]) => ({
          month,
          published: versions.find((v) => v.status === 'published'),
          versions: versions.map((v) => {
            const published = versions.find((o) => o.status === 'published');
            return {
              ...v,
              draft: v.status === 'draft',
              superseded: v.status === 'superseded',
              current: v.status === 'published',
              stale: Boolean(v.stale),
              // A draft is published on its own, or — a correction of the published version — in its place.
              canPublish: canManage && v.status === 'draft' && (!published || published.version === v.supersedes_version),
            };
          }),
        })),
      },
      status,
    );
  };

  routes.get('/reports', viewers, (req, res) => showReports(req, res));

  routes.post('/reports/generate', allow('secas'), async (req, res) => {
    const raw = (req.body as Record<string, unknown>).month;
    const month = typeof raw === 'string' ? raw : '';
    let report: ReportRow;
    try {
      ({ report } = await generateReport(services, month, actorOf(req.principal!), originOf(req)));
    } catch (err) {
      const refused = refusal(err, month);
      if (!refused) throw err;
      return showReports(req, res, refused.form, refused.status);
    }
    req.session.flash = `Version ${report.version} of the ${report.month} report was generated (${report.pages} pages). Check it, then publish it for the Panel.`;
    res.redirect(303, '/reports');
  });

  /** The page where SECAS writes a new draft's summary (or a correction's reason), previews it and generates it. */
  const showDraftForm = async (req: Request, res: Response, month: string, extra: Record<string, unknown> = {}, status = 200): Promise<void> => {
    const [latest, published] = await Promise.all([latestReportOf(ctx.knex, month), publishedVersionOf(ctx.knex, month)]);
    ctx.pages.page(
      req,
      res,
      'report-draft',
      {
        title: published ? `Correct the ${month} report` : `New draft of the ${month} report`,
        styles: ['reports.css'],
        month,
        published: published ?? null,
        correcting: published !== undefined,
        carried: latest?.summary ? latest.version : null,
        form: {
          summary: latest?.summary ?? '',
          decisions: latest?.decisions ?? '',
          reason: latest?.status === 'draft' ? (latest.correction_reason ?? '') : '',
        },
        ...extra,
      },
      status,
    );
  };

  routes.get('/reports/:month/draft', allow('secas'), async (req, res) => {
    await showDraftForm(req, res, parseMonth(req.params.month));
  });

  routes.post('/reports/:month/draft', allow('secas'), async (req, res) => {
    const month = parseMonth(req.params.month);
    const body = req.body as Record<string, unknown>;
    const field = (name: string): string => (typeof body[name] === 'string' ? body[name] : '');
    const form = { summary: field('summary'), decisions: field('decisions'), reason: field('reason') };
    const published = await publishedVersionOf(ctx.knex, month);
    try {
      const summary = cleanSummary(form.summary);
      const decisions = cleanDecisions(form.decisions);
      if (body.step !== 'generate')
        return await showDraftForm(req, res, month, { form, preview: { summary: textBlocks(summary), decisions: listItems(decisions) } });
      const { report } = await generateReport(services, month, actorOf(req.principal!), originOf(req), {
        summary,
        decisions,
        ...(published ? { correctionReason: form.reason } : {}),
      });
      req.session.flash = published
        ? `Version ${report.version} of the ${report.month} report, a correction of version ${published.version}, was generated. Check it, then publish it in version ${published.version}'s place.`
        : `Version ${report.version} of the ${report.month} report was generated (${report.pages} pages) with the summary. Check it, then publish it for the Panel.`;
      res.redirect(303, '/reports');
    } catch (err) {
      if (err instanceof ValidationError || err instanceof ConflictError || err instanceof NoSnapshotForMonthError)
        return showDraftForm(req, res, month, { form, errors: errorsView(err, 'draft') }, err instanceof ConflictError ? 409 : 422);
      const refused = refusal(err, month);
      if (!refused) throw err;
      return showDraftForm(req, res, month, { form, renderProblem: refused.form.renderProblem ?? refused.form.monthError }, refused.status);
    }
  });

  routes.post('/reports/:id/publish', allow('secas'), async (req, res) => {
    const report = await publish(ctx.knex, Number(req.params.id), actorOf(req.principal!), originOf(req));
    req.session.flash =
      report.supersedes_version === null
        ? `Version ${report.version} of the ${report.month} report is published; Panel members can now see it.`
        : `Version ${report.version} of the ${report.month} report is published and supersedes version ${report.supersedes_version}, which is kept and marked superseded.`;
    res.redirect(303, '/reports');
  });

  const download = (kind: 'pdf' | 'csv') => async (req: Request, res: Response) => {
    const report = await reportFor(ctx.knex, req.principal!, req.params.id);
    const body = kind === 'pdf' ? await reportPdf(ctx.knex, report.id) : await reportCsv(ctx.knex, report.id);
    if (body === undefined) throw new NotFoundError();
    sendFile(res, report, kind, body);
  };
  routes.get('/reports/:id.pdf', viewers, download('pdf'));
  routes.get('/reports/:id.csv', viewers, download('csv'));

  routes.get('/api/v1/reports', viewers, async (req, res) => {
    const body: ReportList = { reports: (await reportsFor(ctx.knex, req.principal!)).map(summary) };
    res.json(body);
  });
  routes.get('/api/v1/reports/:id.pdf', viewers, download('pdf'));
  // One version with what it told the Panel: its figures, the changes it printed and SECAS's words.
  routes.get('/api/v1/reports/:id', viewers, async (req, res) => {
    const report = await reportFor(ctx.knex, req.principal!, req.params.id);
    const stored = await reportFigures(ctx.knex, report.id);
    const { changes = null, ...figures } = stored === null ? {} : (JSON.parse(stored) as Record<string, unknown>);
    // Stored as the report printed them (report-json.ts); the description says their shape.
    const body: Report = {
      ...summary(report),
      summary: report.summary,
      decisions: report.decisions,
      changes: changes as Report['changes'],
      figures: stored === null ? null : (figures as Report['figures']),
    };
    res.json(body);
  });
}
