// The dashboard: the programme overview (SPEC §6.1) for every role, rendered from the progress
// service — the same computation as the API, CLI and report.
import type { Request } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import type { RouteContext } from '../http/route-context.ts';
import { loadProgrammeData, parseAsOf, positionsAt } from '../programme/progress-service.ts';
import { addMonths, lastDayOfMonth, monthOf } from '../progress/calendar.ts';
import { FLAG_LABELS } from '../progress/labels.ts';
import { scriptJson } from '../reports/report-html.ts';
import { USER_TABLE_COLUMNS } from '../reports/report-model.ts';
import { buildOverview, parseOverviewQuery, SORT_KEYS, type OverviewQuery } from './overview-model.ts';

function link(query: OverviewQuery, asOf: string | undefined, change: Partial<OverviewQuery>): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (asOf) params.set('asOf', asOf);
  if (q.rag) params.set('rag', q.rag);
  if (q.flag) params.set('flag', q.flag);
  if (q.sort !== 'rag') params.set('sort', q.sort);
  if (q.descending) params.set('dir', 'desc');
  const text = params.toString();
  return text ? `/?${text}` : '/';
}

function askedAsOf(req: Request): string | undefined {
  return typeof req.query.asOf === 'string' && req.query.asOf !== '' ? req.query.asOf : undefined;
}

export function registerDashboardRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/', allow(...ROLES), async (req, res) => {
    const asked = parseAsOf(askedAsOf(req));
    const query = parseOverviewQuery(req.query);
    const data = await loadProgrammeData(ctx.knex, asked);
    const current = positionsAt(data, asked);
    if (current.status !== 'ok') {
      return ctx.pages.page(req, res, 'overview-empty', { title: 'Overview', message: current.message, canUpload: req.principal!.role !== 'panel' });
    }
    const previous = positionsAt(data, lastDayOfMonth(addMonths(monthOf(current.asOf), -1)));
    const model = buildOverview(current, previous, query);
    const keep = askedAsOf(req);
    const columns = USER_TABLE_COLUMNS.map((c) => {
      const sortable = (SORT_KEYS as readonly string[]).includes(c.key);
      if (!sortable) return c;
      const key = c.key as OverviewQuery['sort'];
      const active = query.sort === key;
      return {
        ...c,
        href: link(query, keep, { sort: key, descending: active ? !query.descending : false }),
        ariaSort: active ? (query.descending ? ('descending' as const) : ('ascending' as const)) : undefined,
      };
    });
    ctx.pages.page(req, res, 'overview', {
      title: 'Overview',
      styles: ['dashboard.css'],
      scripts: ['/assets-vendor/chart.umd.min.js', '/assets/progress-chart.js', '/assets/overview.js'],
      ...model,
      programme: current.programme,
      columns,
      linkUsers: true,
      asked: keep,
      filtered: query.rag !== null || query.flag !== null,
      ragFilters: (['RED', 'AMBER', 'GREEN'] as const).map((rag) => ({ rag, count: current.programme.ragCounts[rag], selected: query.rag === rag, href: link(query, keep, { rag: query.rag === rag ? null : rag }) })),
      flagFilters: model.flags.map((f) => ({ ...f, meaning: FLAG_LABELS[f.flag].meaning, selected: query.flag === f.flag, href: link(query, keep, { flag: query.flag === f.flag ? null : f.flag }) })),
      clearHref: link({ ...query, rag: null, flag: null }, keep, {}),
      chartJson: scriptJson(model.charts),
    });
  });
}
