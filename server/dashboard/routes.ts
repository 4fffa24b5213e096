// The dashboard: the programme overview (SPEC §6.1) for every role, rendered from the progress
// service — the same computation as the API, CLI and report.
import type { Request, Response } from 'express';
import { allow, isAllowed, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import type { RouteContext } from '../http/route-context.ts';
import { parseAsOf } from '../progress/progress-service.ts';
import { monthOf } from '../engine/calendar.ts';
import { deadlineDistance } from '../engine/deadline-distance.ts';
import { REASON_LABELS } from '../engine/labels.ts';
import { changesFor } from '../progress/comparison.ts';
import type { ProgrammeData } from '../progress/progress-service.ts';
import { FLAG_LABELS } from '../engine/labels.ts';
import type { ProgressAvailable } from '../engine/types.ts';
import { scriptJson } from '../reports/report-html.ts';
import { dataVersionOf } from '../http/data-version.ts';
import { NotFoundError } from '../errors.ts';
import { paged } from '../http/pagination.ts';
import { buildOverview, OVERVIEW_COLUMNS, parseOverviewQuery, SORT_KEYS, type OverviewQuery } from './overview-model.ts';
import { overviewCsv } from './overview-csv.ts';
import { deadlineWords } from '../templates/deadline-words.ts';
import { setupChecklist } from './setup-checklist.ts';
import { setupCounts } from '../../db/queries/setup-counts.ts';
import { BodyCache } from './body-cache.ts';
import { buildUserPage } from './user-model.ts';
import { actionsSection } from './user-actions.ts';
import { addEnforcementAction } from '../actions/enforcement-actions.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf } from '../auth/roles.ts';
import { changeThen, formOf, PROGRAMME_STYLES, type Again } from '../programme/page-support.ts';
import { formatDate } from '../templates/view-helpers.ts';
import { sendCsv } from '../programme/page-support.ts';

/** The overview's query string for a filter and sort, without the page number (a change of either starts at page 1). */
function overviewParams(query: OverviewQuery, asOf: string | undefined, change: Partial<OverviewQuery> = {}): URLSearchParams {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (asOf) params.set('asOf', asOf);
  if (q.rag) params.set('rag', q.rag);
  if (q.flag) params.set('flag', q.flag);
  if (q.sort !== 'rag') params.set('sort', q.sort);
  if (q.descending) params.set('dir', 'desc');
  return params;
}

function link(query: OverviewQuery, asOf: string | undefined, change: Partial<OverviewQuery>, path = '/'): string {
  const text = overviewParams(query, asOf, change).toString();
  return text ? `${path}?${text}` : path;
}

function askedAsOf(req: Request): string | undefined {
  return typeof req.query.asOf === 'string' && req.query.asOf !== '' ? req.query.asOf : undefined;
}

const EUI64_PATH = /^[0-9A-F]{2}(-[0-9A-F]{2}){7}$/;

function userIdOfPath(req: Request): string {
  const userId = String(req.params.userId).toUpperCase();
  if (!EUI64_PATH.test(userId)) throw new NotFoundError('There is no User with that ID. User IDs are written like 90-B3-D5-1F-30-01-00-0A.');
  return userId;
}

/** Where in the User page's cached part its enforcement trail goes (views/pages/user.hbs). */
const ACTIONS_MARK = Buffer.from('<!--enforcement-actions-->');

function withActions(body: Buffer, actions: string): Buffer {
  const at = body.indexOf(ACTIONS_MARK);
  if (at < 0) return body;
  return Buffer.concat([body.subarray(0, at), Buffer.from(actions), body.subarray(at + ACTIONS_MARK.length)]);
}

export function registerDashboardRoutes(routes: Routes, ctx: RouteContext): void {
  /** Positions as of a date, from the data as it was when the request arrived. */
  const positionsFor = async (req: Request, asOf: string) => ctx.progress.positionsAt(asOf, await dataVersionOf(req, ctx.knex));
  const bodies = new BodyCache();

  /** A User's page; `extra` and `status` show the enforcement action form again with its problems. */
  const showUser = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> => {
    const userId = userIdOfPath(req);
    const asked = parseAsOf(askedAsOf(req));
    const { data, positions: current, version } = await positionsFor(req, asked);
    if (current.status !== 'ok') throw new NotFoundError(current.message);
    const user = current.users.find((u) => u.userId === userId);
    if (!user) throw new NotFoundError(`No User ${userId} has positions as of ${current.asOf}.`);
    const canSeeSnapshots = req.principal!.role !== 'panel';
    const body = await bodies.get(version, `user|${asked}|${req.url}|${String(canSeeSnapshots)}`, async () => {
      const { change } = await changesFor(ctx.knex, data, monthOf(current.asOf), current);
      const model = buildUserPage(current, change, userId, data)!;
      // The chart draws every snapshot; the table beside it pages them.
      const history = paged(req, model.snapshots, { path: `/users/${userId}`, label: 'Pages of snapshots', fragment: 'snapshots-title' });
      return ctx.pages.body('user', {
        ...model,
        reasonText: REASON_LABELS[user.reason].text,
        deadlineText: deadlineWords(deadlineDistance(current.deadline, asked, data.workingDays), askedAsOf(req) === undefined),
        snapshots: history.rows,
        pagination: history.pagination,
        asked: askedAsOf(req),
        canSeeSnapshots,
        chartJson: scriptJson(model.charts),
      });
    });
    // The enforcement trail is made for each request: it carries SECAS's form (its CSRF token, what
    // was typed), and an addition to it changes no position, so it does not renew the cached part.
    const actions = ctx.pages.body('user-actions', {
      ...(await actionsSection(ctx.knex, userId, req.principal!.role === 'secas')),
      csrfToken: ctx.pages.formToken(req, res),
      ...extra,
    });
    ctx.pages.pageFrom(
      req,
      res,
      withActions(body, actions),
      {
        title: user.registered ? user.name : user.userId,
        styles: ['dashboard.css', ...PROGRAMME_STYLES],
        scripts: ['/assets-vendor/chart.umd.min.js', '/assets/progress-chart.js', '/assets/overview.js'],
      },
      status,
    );
  };

  routes.get('/users/:userId', allow(...ROLES), (req, res) => showUser(req, res));
  routes.post('/users/:userId/actions', allow('secas'), async (req, res) => {
    const userId = userIdOfPath(req);
    const again: Again = (extra, status) => showUser(req, res, extra, status);
    await changeThen(req, res, { form: 'action', then: `/users/${userId}#actions-title`, again }, async () => {
      const added = await addEnforcementAction(ctx.knex, { ...formOf(req), user_id: userId }, actorOf(req.principal!), originOf(req));
      return `Recorded: ${added.kindLabel.toLowerCase()} on ${formatDate(added.takenOn)}.`;
    });
  });

  /** The overview's model for a request: its filter, sort and as-of date. */
  const overviewFor = async (req: Request, data: ProgrammeData, current: ProgressAvailable) => {
    const query = parseOverviewQuery(req.query);
    // The same comparison as the report for this snapshot's month: what the previous report told the Panel.
    const { change, changes, comparison } = await changesFor(ctx.knex, data, monthOf(current.asOf), current);
    const model = buildOverview(current, { change, changes, reference: comparison.source?.kind === 'report' ? comparison.source.reference : null }, query);
    return { query, model };
  };

  const overviewBody = async (req: Request, data: ProgrammeData, current: ProgressAvailable, asked: string): Promise<string> => {
    const { query, model } = await overviewFor(req, data, current);
    // Only the table is paged: the totals, RAG counts, flag counts and chart above it cover every User.
    const table = paged(req, model.users, { path: '/', label: 'Pages of Users', fragment: 'users-title' });
    const keep = askedAsOf(req);
    const columns = OVERVIEW_COLUMNS.map((c) => {
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
    return ctx.pages.body('overview', {
      ...model,
      users: table.rows,
      matchingUsers: model.users.length,
      pagination: table.pagination,
      programme: current.programme,
      columns,
      asked: keep,
      deadlineText: deadlineWords(deadlineDistance(current.deadline, asked, data.workingDays), keep === undefined),
      // The as-of form keeps the filter and sort: only the date changes.
      keptParams: [...overviewParams(query, undefined).entries()].map(([name, value]) => ({ name, value })),
      todayHref: link(query, undefined, {}),
      csvHref: link(query, keep, {}, '/overview.csv'),
      ragFilters: (['RED', 'AMBER', 'GREEN'] as const).map((rag) => ({
        rag,
        count: current.programme.ragCounts[rag],
        selected: query.rag === rag,
        href: link(query, keep, { rag: query.rag === rag ? null : rag }),
      })),
      flagFilters: model.flags.map((f) => ({
        ...f,
        meaning: FLAG_LABELS[f.flag].meaning,
        selected: query.flag === f.flag,
        href: link(query, keep, { flag: query.flag === f.flag ? null : f.flag }),
      })),
      clearHref: link({ ...query, rag: null, flag: null }, keep, {}),
      chartJson: scriptJson(model.charts),
    });
  };

  routes.get('/overview.csv', allow(...ROLES), async (req, res) => {
    const { data, positions: current } = await positionsFor(req, parseAsOf(askedAsOf(req)));
    if (current.status !== 'ok') throw new NotFoundError(current.message);
    const { model } = await overviewFor(req, data, current);
    sendCsv(res, `overview-${current.asOf}.csv`, overviewCsv(model.users));
  });

  routes.get('/', allow(...ROLES), async (req, res) => {
    const asked = parseAsOf(askedAsOf(req));
    const { data, positions: current, version } = await positionsFor(req, asked);
    if (current.status !== 'ok') {
      const role = req.principal!.role;
      // A link only where the viewer's role is let in, read from the rule the page was registered with.
      const canOpen = (path: string): boolean => routes.list.some((r) => r.method === 'get' && r.path === path && isAllowed(r.access, role));
      return ctx.pages.page(req, res, 'overview-empty', {
        title: 'Overview',
        message: current.message,
        setup: setupChecklist(await setupCounts(ctx.knex), canOpen),
        styles: ['setup.css'],
      });
    }
    // "Today" is part of the question when no date is given.
    const body = await bodies.get(version, `overview|${asked}|${req.url}`, () => overviewBody(req, data, current, asked));
    ctx.pages.pageFrom(req, res, body, {
      title: 'Overview',
      styles: ['dashboard.css'],
      scripts: ['/assets-vendor/chart.umd.min.js', '/assets/progress-chart.js', '/assets/overview.js'],
    });
  });
}
