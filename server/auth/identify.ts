// Works out who is making the request: a bearer token on the API, the session's account on pages.
// A disabled account or a changed role takes effect at once: accounts are kept in memory only
// while the data version stands, and every change to an account is audited in the transaction
// that makes it (server/auth/accounts.ts), which moves the version.
import type { Knex } from 'knex';
import type { RequestHandler } from 'express';
import { findAccountById, type AccountRow } from '../../db/queries/accounts.ts';
import { dataVersionOf } from '../http/data-version.ts';
import { isApiPath } from '../http/paths.ts';
import { resolveBearerToken } from './tokens.ts';

const ACCOUNTS_KEPT = 1000;

class AccountCache {
  private version = '';
  private readonly accounts = new Map<number, AccountRow>();

  constructor(private readonly knex: Knex) {}

  async find(id: number, version: string): Promise<AccountRow | undefined> {
    if (version !== this.version) {
      this.accounts.clear();
      this.version = version;
    }
    const kept = this.accounts.get(id);
    if (kept) return kept;
    const account = await findAccountById(this.knex, id);
    // Only found accounts are kept: one created later (not every creation is audited) is then seen.
    if (account && version === this.version && this.accounts.size < ACCOUNTS_KEPT) this.accounts.set(id, account);
    return account;
  }
}

export function identify(knex: Knex): RequestHandler {
  const accounts = new AccountCache(knex);
  return async (req, _res, next) => {
    if (isApiPath(req.path)) {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (match) req.principal = (await resolveBearerToken(knex, match[1]!)) ?? undefined;
      return next();
    }
    const accountId = req.session?.accountId;
    if (accountId === undefined) return next();
    const account = await accounts.find(accountId, await dataVersionOf(req, knex));
    if (!account || account.disabled_at) {
      delete req.session.accountId;
      return next();
    }
    req.principal = { kind: 'account', id: account.id, email: account.email, role: account.role };
    next();
  };
}
