// The job runs page for SECAS: every scheduled run with its status, duration and error, newest first.
import { countRuns, jobNames, listRuns } from '../../db/queries/job-runs.ts';
import { allow, type Routes } from '../auth/access.ts';
import { pageHrefs, paginationView, pageWindow } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';

/** A job may return { summary } among its details: one line for people. */
function summaryOf(details: string | null): string | null {
  if (!details) return null;
  try {
    const parsed = JSON.parse(details) as { summary?: unknown };
    return typeof parsed.summary === 'string' ? parsed.summary : null;
  } catch {
    return null;
  }
}

export function registerJobRunRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/jobs', allow('secas'), async (req, res) => {
    const names = await jobNames(ctx.knex);
    const job = typeof req.query.job === 'string' && names.includes(req.query.job) ? req.query.job : undefined;
    const window = pageWindow(req.query.page, await countRuns(ctx.knex, job));
    const rows = await listRuns(ctx.knex, { limit: window.size, offset: window.offset, job });
    ctx.pages.page(req, res, 'jobs', {
      title: 'Job runs',
      runs: rows.map((r) => ({ ...r, summary: summaryOf(r.details) })),
      jobs: names.map((name) => ({ name, selected: name === job })),
      job,
      pagination: paginationView(window, 'Pages of job runs', pageHrefs(req, '/jobs')),
    });
  });
}
