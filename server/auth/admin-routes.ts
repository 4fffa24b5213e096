// The SECAS pages for who may use the system (SPEC §2): accounts for people and API tokens for
// systems. Routes parse, call the account and token services (which audit every change) and
// render. A generated password or token is shown once, on the page that answers the POST itself —
// never in a URL, a flash message or anything cached — because only its hash is stored.
import { statusOf } from '../http/error-status.ts';
import type { Request, Response } from 'express';
import { listAccounts, listTokens, type AccountRow, type TokenRow } from '../../db/queries/accounts.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../errors.ts';
import { pageHrefs, pageOf, paged, paginationView, pageWindow, windowHolding } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { errorsView, formOf, PROGRAMME_STYLES, type ErrorsView } from '../programme/page-support.ts';
import { allow, type Routes } from './access.ts';
import { addAccount, changeAccountRole, disableAccount, enableAccount, normaliseEmail, resetAccountPassword } from './accounts.ts';
import { ROLE_LABELS, ROLES, actorOf, isRole, type Role } from './roles.ts';
import { originOf } from './routes.ts';
import { createApiToken, revokeApiToken } from './tokens.ts';

const SECAS = allow('secas');
const STYLES = [...PROGRAMME_STYLES, 'admin.css'];
const ACCOUNTS = '/settings/accounts';
const TOKENS = '/settings/tokens';

type Extra = Record<string, unknown> & { errors?: Record<string, ErrorsView>; values?: Record<string, Record<string, unknown>> };
type Show = (req: Request, res: Response, extra?: Extra, status?: number) => Promise<void>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The numeric id in the path; anything else is a page that does not exist. */
function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  return id;
}

function roleOptions(selected: unknown): Array<{ value: Role; label: string; selected: boolean }> {
  return ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], selected: role === selected }));
}

/**
 * Runs a change asked for by one of the page's forms: done, it redirects (303) with its sentence as
 * the flash message; refused, it shows the page again (422) with the problem beside the form's
 * field. Like changeThen in page-support.ts, but the change may choose where to go next.
 */
async function changeThenGo(
  req: Request,
  res: Response,
  options: { form: string; show: Show },
  work: () => Promise<{ flash: string; then: string }>,
): Promise<void> {
  try {
    const done = await work();
    req.session.flash = done.flash;
    res.redirect(303, done.then);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await options.show(req, res, { errors: { [options.form]: errorsView(err, options.form) }, values: { [options.form]: formOf(req) } }, statusOf(err));
  }
}

/** The page that shows a new password or token, the only time it is ever shown. */
function showSecretOnce(
  ctx: RouteContext,
  req: Request,
  res: Response,
  data: { title: string; lead: string; secretLabel: string; secret: string; advice: string; back: { href: string; text: string } },
): void {
  // Not kept by the browser's cache or history, nor by any proxy.
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  ctx.pages.page(req, res, 'secret-shown', { styles: STYLES, ...data });
}

/** Both fields of the add-account form checked at once, so one submission shows every problem. */
function checkNewAccount(form: Readonly<Record<string, unknown>>): void {
  const fields: FieldError[] = [];
  if (!normaliseEmail(text(form.email))) fields.push({ field: 'email', message: 'Enter an e-mail address like name@example.org.' });
  if (!isRole(form.role)) fields.push({ field: 'role', message: `Choose a role: ${ROLES.map((role) => ROLE_LABELS[role]).join(', ')}.` });
  if (fields.length > 0) throw new ValidationError(fields.length === 1 ? fields[0]!.message : 'The new account needs an e-mail address and a role.', fields);
}

function accountRow(account: AccountRow, me: number | undefined, enabledSecas: number, extra: Extra) {
  const errors = extra.errors?.[`account-${account.id}`];
  return {
    id: account.id,
    email: account.email,
    createdAt: account.created_at,
    lastLoginAt: account.last_login_at,
    disabledAt: account.disabled_at,
    isSelf: account.id === me,
    // Said beside the row before anyone tries: this account must keep its role and stay enabled.
    onlySecas: account.role === 'secas' && !account.disabled_at && enabledSecas <= 1,
    // The account's actual role even after a refused change: the select also says what it is now.
    roleOptions: roleOptions(account.role),
    errors,
  };
}

function registerAccountsPage(routes: Routes, ctx: RouteContext): void {
  const show: Show = async (req, res, extra = {}, status = 200) => {
    const accounts = await listAccounts(ctx.knex);
    const me = req.principal?.kind === 'account' ? req.principal.id : undefined;
    const enabledSecas = accounts.filter((a) => a.role === 'secas' && !a.disabled_at).length;
    const rows = accounts.map((account) => accountRow(account, me, enabledSecas, extra));
    // After a refused change to an account, the page that holds its row, where the problem is shown.
    const refusedAt = rows.findIndex((row) => row.errors);
    const window = refusedAt >= 0 ? windowHolding(refusedAt, rows.length) : pageWindow(req.query.page, rows.length);
    ctx.pages.page(
      req,
      res,
      'accounts',
      {
        title: 'Accounts',
        styles: STYLES,
        accounts: pageOf(rows, window),
        pagination: paginationView(window, 'Pages of accounts', pageHrefs(req, ACCOUNTS, { fragment: 'accounts-table' })),
        enabledCount: accounts.filter((a) => !a.disabled_at).length,
        disabledCount: accounts.filter((a) => a.disabled_at).length,
        // The one row whose form was refused, for the summary at the top of the table.
        refused: rows.find((row) => row.errors),
        addRoleOptions: roleOptions(extra.values?.add?.role),
        ...extra,
      },
      status,
    );
  };

  routes.get(ACCOUNTS, SECAS, (req, res) => show(req, res));

  routes.post(ACCOUNTS, SECAS, async (req, res) => {
    const form = formOf(req);
    try {
      checkNewAccount(form);
      // No password from the form: one is always generated, so nobody chooses a weak one for someone else.
      const { account, generatedPassword } = await addAccount(
        ctx.knex,
        { email: text(form.email), role: text(form.role) },
        actorOf(req.principal!),
        originOf(req),
      );
      showSecretOnce(ctx, req, res, {
        title: 'Account added',
        lead: `${account.email} can now log in as ${ROLE_LABELS[account.role]} with this password.`,
        secretLabel: `Password for ${account.email}`,
        secret: generatedPassword!,
        advice: 'Give it to them by a secure route (not in the same message as their e-mail address). If it is lost, reset it from the accounts page.',
        back: { href: ACCOUNTS, text: 'Back to accounts' },
      });
    } catch (err) {
      // An e-mail already in use is a problem with the e-mail field like any other.
      const refusal = err instanceof ConflictError ? new ValidationError(err.message, [{ field: 'email', message: err.message }]) : err;
      if (!(refusal instanceof ValidationError)) throw err;
      await show(req, res, { errors: { add: errorsView(refusal, 'add') }, values: { add: form } }, statusOf(refusal));
    }
  });

  routes.post(`${ACCOUNTS}/:id/role`, SECAS, async (req, res) => {
    const id = idParam(req);
    await changeThenGo(req, res, { form: `account-${id}`, show }, async () => {
      const { account, changed } = await changeAccountRole(ctx.knex, id, text(formOf(req).role), actorOf(req.principal!), originOf(req));
      const label = ROLE_LABELS[account.role];
      if (!changed) return { flash: `${account.email} already has the role ${label}; nothing changed.`, then: ACCOUNTS };
      // Someone who gave up their own SECAS role may no longer see this page.
      if (account.id === req.principal!.id && account.role !== 'secas') {
        return { flash: `Your role is now ${label}. Accounts are managed by SECAS.`, then: '/' };
      }
      return { flash: `${account.email} now has the role ${label}, from their next page.`, then: ACCOUNTS };
    });
  });

  routes.post(`${ACCOUNTS}/:id/disable`, SECAS, async (req, res) => {
    const id = idParam(req);
    await changeThenGo(req, res, { form: `account-${id}`, show }, async () => {
      const { account, changed } = await disableAccount(ctx.knex, id, actorOf(req.principal!), originOf(req));
      return {
        flash: changed
          ? `${account.email} is disabled: they are logged out and cannot log in until the account is enabled again.`
          : `${account.email} was already disabled; nothing changed.`,
        then: ACCOUNTS,
      };
    });
  });

  routes.post(`${ACCOUNTS}/:id/enable`, SECAS, async (req, res) => {
    const id = idParam(req);
    await changeThenGo(req, res, { form: `account-${id}`, show }, async () => {
      const { account, changed } = await enableAccount(ctx.knex, id, actorOf(req.principal!), originOf(req));
      return {
        flash: changed ? `${account.email} is enabled again and can log in.` : `${account.email} was already enabled; nothing changed.`,
        then: ACCOUNTS,
      };
    });
  });

  routes.post(`${ACCOUNTS}/:id/password`, SECAS, async (req, res) => {
    const { account, password } = await resetAccountPassword(ctx.knex, idParam(req), actorOf(req.principal!), originOf(req), { keepSessionId: req.sessionID });
    showSecretOnce(ctx, req, res, {
      title: 'Password reset',
      lead: `${account.email} has a new password. The old one no longer works, and anyone logged in with it has been logged out.`,
      secretLabel: `New password for ${account.email}`,
      secret: password,
      advice: 'Give it to them by a secure route (not in the same message as their e-mail address).',
      back: { href: ACCOUNTS, text: 'Back to accounts' },
    });
  });
}

function tokenRow(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    roleLabel: ROLE_LABELS[row.role],
    prefix: row.token_prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

function registerTokensPage(routes: Routes, ctx: RouteContext): void {
  const show: Show = async (req, res, extra = {}, status = 200) => {
    const tokens = await listTokens(ctx.knex);
    const table = paged(req, tokens, { path: TOKENS, label: 'Pages of API tokens', fragment: 'tokens-table' });
    ctx.pages.page(
      req,
      res,
      'tokens',
      {
        title: 'API tokens',
        styles: STYLES,
        tokens: table.rows.map(tokenRow),
        pagination: table.pagination,
        activeCount: tokens.filter((row) => !row.revoked_at).length,
        // Systems are almost always the DCC's uploader.
        createRoleOptions: roleOptions(extra.values?.create?.role ?? 'dcc'),
        ...extra,
      },
      status,
    );
  };

  routes.get(TOKENS, SECAS, (req, res) => show(req, res));

  routes.post(TOKENS, SECAS, async (req, res) => {
    const form = formOf(req);
    try {
      const { token, row } = await createApiToken(ctx.knex, { name: text(form.name), role: text(form.role) }, actorOf(req.principal!), originOf(req));
      showSecretOnce(ctx, req, res, {
        title: 'API token created',
        lead: `The token “${row.name}” acts as ${ROLE_LABELS[row.role]} on the API (/api/v1).`,
        secretLabel: `Token for ${row.name}`,
        secret: token,
        advice:
          'Put it in the system’s configuration now; the system sends it as the header “Authorization: Bearer” followed by the token. If it is lost, revoke it and create another.',
        back: { href: TOKENS, text: 'Back to API tokens' },
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await show(req, res, { errors: { create: errorsView(err, 'create') }, values: { create: form } }, statusOf(err));
    }
  });

  routes.post(`${TOKENS}/:id/revoke`, SECAS, async (req, res) => {
    const { row, changed } = await revokeApiToken(ctx.knex, idParam(req), actorOf(req.principal!), originOf(req));
    req.session.flash = changed
      ? `The token “${row.name}” (${row.token_prefix}…) is revoked: the API refuses it from now on.`
      : `The token “${row.name}” was already revoked; nothing changed.`;
    res.redirect(303, TOKENS);
  });
}

/** Registers /settings/accounts and /settings/tokens, for SECAS only. */
export function registerAdminRoutes(routes: Routes, ctx: RouteContext): void {
  registerAccountsPage(routes, ctx);
  registerTokensPage(routes, ctx);
}
