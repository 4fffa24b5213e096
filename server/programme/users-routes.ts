// The Users section (SPEC §2): the register (SECAS edits, the DCC sees it), and the declarations
// and allowances the DCC or SECAS records — each with a form, CSV import and export.
import type { Request, Response } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf } from '../auth/roles.ts';
import { firstFew, paged } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { allowancesCsv, importAllowances, listAllowances, recordAllowance, removeAllowance } from './allowances.ts';
import { csvImportRoute } from './csv-import-route.ts';
import { declarationsCsv, importDeclarations, listDeclarationVersions, recordDeclaration, removeDeclaration } from './declarations.ts';
import { withUserIdFromName } from './known-users.ts';
import { changeThen, confirmThen, CONFIRM_SCRIPT, formOf, PROGRAMME_STYLES, sendCsv } from './page-support.ts';
import { allowanceQuestion, declarationQuestion, type RemovalQuestion } from './removal-questions.ts';
import { importUsers, listUsers, saveUser, usersCsv, type DccUser } from './users-register.ts';

const SECAS = allow('secas');
/** SPEC §2: the DCC records declarations received and allowances confirmed; SECAS may do everything. */
const RECORDERS = allow('secas', 'dcc');

type Extra = Record<string, unknown>;

/**
 * The Users the record forms suggest as one types (a datalist): every User up to the limit on
 * Users a snapshot may name; past it the list would weigh more than the page, and the form takes
 * an ID or a name typed in full.
 */
const USER_CHOICES_LISTED = 1000;

function userChoices(users: readonly DccUser[]): readonly DccUser[] {
  return users.length <= USER_CHOICES_LISTED ? users : [];
}

/** Unregistered Users named in the note above the register before it says "and N more". */
const UNREGISTERED_NAMED = 20;

/** Each record with the name of its User, for tables that list several Users. */
function withNames<T extends { userId: string }>(records: readonly T[], users: readonly DccUser[]): Array<T & { userName: string; registered: boolean }> {
  const byId = new Map(users.map((user) => [user.userId, user]));
  return records.map((record) => ({
    ...record,
    userName: byId.get(record.userId)?.name ?? record.userId,
    registered: byId.get(record.userId)?.registered ?? false,
  }));
}

function registerUsersPage(routes: Routes, ctx: RouteContext): void {
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const users = await listUsers(ctx.knex);
    const unregistered = users.filter((user) => !user.registered);
    // ?show=unregistered lists only the Users SECAS still has to name.
    const onlyUnregistered = req.query.show === 'unregistered' && unregistered.length > 0;
    const table = paged(req, onlyUnregistered ? unregistered : users, { path: '/users', label: 'Pages of the Users register', fragment: 'users-table' });
    ctx.pages.page(
      req,
      res,
      'users',
      {
        title: 'Users register',
        styles: PROGRAMME_STYLES,
        users: table.rows,
        pagination: table.pagination,
        onlyUnregistered,
        unregistered: { count: unregistered.length, ...firstFew(unregistered, UNREGISTERED_NAMED) },
        canEdit: req.principal?.role === 'secas',
        ...extra,
      },
      status,
    );
  };

  routes.get('/users', RECORDERS, (req, res) => show(req, res));
  routes.post('/users', SECAS, (req, res) =>
    changeThen(req, res, { form: 'user', then: '/users', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const { user, summary } = await saveUser(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      if (summary.unchanged) return `${user.userId} is already registered as ${user.name}; nothing changed.`;
      const registered = user.registered ? '' : ' It stays flagged as unregistered until it has a name of its own.';
      return `${user.userId} is ${summary.added ? 'added to the register' : 'updated'} as ${user.name}.${registered}`;
    }),
  );
  routes.get('/users/export.csv', RECORDERS, async (_req, res) => sendCsv(res, 'users-register.csv', await usersCsv(ctx.knex)));
  csvImportRoute(routes, ctx, { path: '/users/import', access: SECAS, then: '/users', again: show, importer: importUsers });
}

/**
 * A page of the records the DCC and SECAS keep for several Users (declarations, allowances): a
 * page of them with their Users' names, and the record form with its User suggestions.
 */
function recordsPage<T extends { userId: string }>(
  ctx: RouteContext,
  page: { view: 'declarations' | 'allowances'; title: string; list: (knex: RouteContext['knex']) => Promise<T[]> },
): (req: Request, res: Response, extra?: Extra, status?: number) => Promise<void> {
  return async (req, res, extra = {}, status = 200) => {
    const users = await listUsers(ctx.knex);
    const table = paged(req, withNames(await page.list(ctx.knex), users), {
      path: `/users/${page.view}`,
      label: `Pages of ${page.view}`,
      fragment: `${page.view}-table`,
    });
    ctx.pages.page(
      req,
      res,
      page.view,
      {
        title: page.title,
        styles: PROGRAMME_STYLES,
        scripts: CONFIRM_SCRIPT,
        userChoices: userChoices(users),
        [page.view]: table.rows,
        pagination: table.pagination,
        ...extra,
      },
      status,
    );
  };
}

/** The options of a remove form's confirmThen: back to the list it came from, or the list again with the problem. */
function removing(
  req: Request,
  res: Response,
  ctx: RouteContext,
  list: string,
  show: (req: Request, res: Response, extra?: Extra, status?: number) => Promise<void>,
  ask: () => Promise<RemovalQuestion>,
) {
  return { form: 'remove', then: list, back: list, pages: ctx.pages, ask, again: (extra: Extra, status: number) => show(req, res, extra, status) };
}

function registerDeclarationPages(routes: Routes, ctx: RouteContext): void {
  const show = recordsPage(ctx, { view: 'declarations', title: 'Declarations', list: listDeclarationVersions });

  routes.get('/users/declarations', RECORDERS, (req, res) => show(req, res));
  routes.post('/users/declarations', RECORDERS, (req, res) =>
    changeThen(req, res, { form: 'record', then: '/users/declarations', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const summary = await recordDeclaration(ctx.knex, await withUserIdFromName(ctx.knex, formOf(req)), actorOf(req.principal!), originOf(req));
      return summary.unchanged ? 'That declaration is already recorded; nothing changed.' : 'The declaration is recorded.';
    }),
  );
  routes.post('/users/declarations/remove', RECORDERS, (req, res) =>
    confirmThen(
      req,
      res,
      removing(req, res, ctx, '/users/declarations', show, () => declarationQuestion(ctx.knex, formOf(req))),
      async () => {
        const removed = await removeDeclaration(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
        return `The declaration of ${removed.userId} received on ${removed.receivedOn} was removed.`;
      },
    ),
  );
  routes.get('/users/declarations/export.csv', RECORDERS, async (_req, res) => sendCsv(res, 'declarations.csv', await declarationsCsv(ctx.knex)));
  csvImportRoute(routes, ctx, {
    path: '/users/declarations/import',
    access: RECORDERS,
    then: '/users/declarations',
    again: show,
    importer: importDeclarations,
  });
}

function registerAllowancePages(routes: Routes, ctx: RouteContext): void {
  const show = recordsPage(ctx, { view: 'allowances', title: 'Allowances', list: listAllowances });

  routes.get('/users/allowances', RECORDERS, (req, res) => show(req, res));
  routes.post('/users/allowances', RECORDERS, (req, res) =>
    changeThen(req, res, { form: 'record', then: '/users/allowances', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const summary = await recordAllowance(ctx.knex, await withUserIdFromName(ctx.knex, formOf(req)), actorOf(req.principal!), originOf(req));
      return summary.unchanged ? 'That allowance is already recorded; nothing changed.' : 'The allowance is recorded.';
    }),
  );
  routes.post('/users/allowances/remove', RECORDERS, (req, res) =>
    confirmThen(
      req,
      res,
      removing(req, res, ctx, '/users/allowances', show, () => allowanceQuestion(ctx.knex, formOf(req))),
      async () => {
        const removed = await removeAllowance(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
        return `The allowance of ${removed.userId} from ${removed.effectiveFrom} was removed.`;
      },
    ),
  );
  routes.get('/users/allowances/export.csv', RECORDERS, async (_req, res) => sendCsv(res, 'allowances.csv', await allowancesCsv(ctx.knex)));
  csvImportRoute(routes, ctx, { path: '/users/allowances/import', access: RECORDERS, then: '/users/allowances', again: show, importer: importAllowances });
}

export function registerUsersRoutes(routes: Routes, ctx: RouteContext): void {
  registerUsersPage(routes, ctx);
  registerDeclarationPages(routes, ctx);
  registerAllowancePages(routes, ctx);
}
