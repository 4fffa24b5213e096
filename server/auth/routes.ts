// Login and logout pages. Failed logins are limited per account and per client address
// (login-throttle.ts); failed and refused attempts are audited.
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { recordLogin } from '../../db/queries/accounts.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import { TooManyRequestsError } from '../errors.ts';
import type { PageRenderer } from '../http/render.ts';
import { PUBLIC, allow, type Routes } from './access.ts';
import { authenticate, normaliseEmail } from './accounts.ts';
import { clientAddressKey } from './client-address.ts';
import { admitLogin, waitSentence, type LoginLimits } from './login-throttle.ts';
import { ROLES, actorOf } from './roles.ts';
import { requestIdOf } from '../http/request-id.ts';

const REFUSALS = {
  account: 'Too many failed attempts for this account.',
  address: 'Too many failed login attempts from your address.',
} as const;

/** Only a path on this site may be a place to go after login (no open redirects). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && !value.startsWith('/login') ? value : '/';
}

export function originOf(req: Request): RequestOrigin {
  return { requestId: requestIdOf(req), ip: req.ip ?? null };
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err as Error) : resolve())));
}

function destroy(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err) => (err ? reject(err as Error) : resolve())));
}

/** The account an attempt is counted against: the address as stored, or what was typed when it is none. */
function accountKey(email: string): string {
  return normaliseEmail(email) ?? email.trim().toLowerCase().slice(0, 254);
}

export function registerAuthRoutes(routes: Routes, deps: { knex: Knex; pages: PageRenderer; loginLimits: LoginLimits }): void {
  const { knex, pages } = deps;

  const loginForm = (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): void =>
    pages.page(
      req,
      res,
      'login',
      { title: 'Log in', next: safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next), ...extra },
      status,
    );

  routes.get('/login', PUBLIC, (req, res) => {
    if (req.principal) return res.redirect(safeNext(req.query.next));
    loginForm(req, res, { loggedOut: req.query.loggedOut === '1' });
  });

  routes.post('/login', PUBLIC, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const audited = { entity: 'account', entityId: normaliseEmail(email) ?? email.slice(0, 100) };
    // The same answer whether or not an account has this address: refusing unknown ones too keeps
    // probing for addresses slow, and says nothing about which exist.
    const admission = await admitLogin(knex, { account: accountKey(email), address: clientAddressKey(req.ip) }, deps.loginLimits);
    if (!admission.admitted) {
      const { limit, retryAfterSeconds } = admission;
      await recordAudit(knex, { kind: 'system', name: 'login' }, { action: 'login.throttled', ...audited, after: { limit, retryAfterSeconds } }, originOf(req));
      throw new TooManyRequestsError(`${REFUSALS[limit]} ${waitSentence(retryAfterSeconds)}`, retryAfterSeconds);
    }
    const account = email && password ? await authenticate(knex, email, password) : null;
    if (!account) {
      await recordAudit(knex, { kind: 'system', name: 'login' }, { action: 'login.failed', ...audited }, originOf(req));
      return loginForm(req, res, { email, error: 'The e-mail address or password is not right. Check both and try again.' }, 401);
    }
    await admission.succeeded();
    const next = safeNext(body.next);
    await regenerate(req);
    req.session.accountId = account.id;
    await recordLogin(knex, account.id);
    await recordAudit(knex, { kind: 'account', name: account.email }, { action: 'login', entity: 'account', entityId: account.id }, originOf(req));
    res.redirect(303, next);
  });

  routes.post('/logout', allow(...ROLES), async (req, res) => {
    await recordAudit(knex, actorOf(req.principal!), { action: 'logout', entity: 'account', entityId: req.principal!.id }, originOf(req));
    await destroy(req);
    res.clearCookie('bfm.sid');
    res.redirect(303, '/login?loggedOut=1');
  });
}
