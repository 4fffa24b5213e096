// Works out who is making the request: a bearer token on the API, the session's account on pages.
// The account is re-read on every request so a disabled account or a changed role takes effect at once.
import type { Knex } from 'knex';
import type { RequestHandler } from 'express';
import { findAccountById } from '../../db/queries/accounts.ts';
import { isApiPath } from '../http/paths.ts';
import { resolveBearerToken } from './tokens.ts';

export function identify(knex: Knex): RequestHandler {
  return async (req, _res, next) => {
    if (isApiPath(req.path)) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (match) req.principal = (await resolveBearerToken(knex, match[1]!)) ?? undefined;
      return next();
    }
    const accountId = req.session?.accountId;
    if (accountId === undefined) return next();
    const account = await findAccountById(knex, accountId);
    if (!account || account.disabled_at) {
      delete req.session.accountId;
      return next();
    }
    req.principal = { kind: 'account', id: account.id, email: account.email, role: account.role };
    next();
  };
}
