// The job runs page for SECAS: every scheduled run with its status, duration and error, newest first.
import { jobNames, listRuns } from '../../db/queries/job-runs.ts';
import { allow, type Routes } from '../auth/access.ts';
import type { RouteContext } from '../http/route-context.ts';

const PAGE_SIZE = 100;

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
    const before = Number(req.query.before);
    const names = await jobNames(ctx.knex);
    const job = typeof req.query.job === 'string' && names.includes(req.query.job) ? req.query.job : undefined;
    const rows = await listRuns(ctx.knex, { limit: PAGE_SIZE + 1, beforeId: Number.isInteger(before) && before > 0 ? before : undefined, job });
    const runs = rows.slice(0, PAGE_SIZE).map((r) => ({ ...r, summary: summaryOf(r.details) }));
    ctx.pages.page(req, res, 'jobs', {
      title: 'Job runs',
      runs,
      jobs: names.map((name) => ({ name, selected: name === job })),
      job,
      older: rows.length > PAGE_SIZE ? runs[runs.length - 1]?.id : undefined,
    });
  });
}
