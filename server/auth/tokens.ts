// API bearer tokens for systems (the DCC's uploader). Only a SHA-256 of each token is stored; the
// token itself is shown once when it is created (CLI or the tokens page). SECAS revokes them there.
import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { findActiveTokenByHash, findTokenById, insertToken, revokeToken, touchToken, type TokenRow } from '../../db/queries/accounts.ts';
import { fromDbInstant } from '../../db/instant.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { isRole, ROLES, type Actor, type Principal } from './roles.ts';

const PREFIX = 'bfm_';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(
  knex: Knex,
  input: { name: string; role: string },
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ token: string; row: TokenRow }> {
  const name = input.name.trim();
  if (!name || name.length > 100)
    throw new ValidationError('A token needs a name of 1 to 100 characters, saying which system uses it.', [
      { field: 'name', message: 'Give the token a name.' },
    ]);
  if (!isRole(input.role))
    throw new ValidationError(`"${input.role}" is not a role; use one of ${ROLES.join(', ')}.`, [
      { field: 'role', message: `Choose one of ${ROLES.join(', ')}.` },
    ]);
  const token = PREFIX + randomBytes(32).toString('base64url');
  const row = await knex.transaction(async (trx) => {
    const inserted = await insertToken(trx, {
      name,
      role: input.role as Principal['role'],
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, 12),
      createdBy: actor.name,
    });
    await recordAudit(
      trx,
      actor,
      { action: 'token.create', entity: 'api_token', entityId: inserted.id, after: { name, role: inserted.role, prefix: inserted.token_prefix } },
      origin,
    );
    return inserted;
  });
  return { token, row };
}

const TOUCH_EVERY_MS = 60_000;

/** The system a bearer token belongs to, or null when it is unknown or revoked. */
export async function resolveBearerToken(knex: Knex, token: string, now = new Date()): Promise<Principal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await findActiveTokenByHash(knex, hashToken(token));
  if (!row) return null;
  // Recording use on every request would turn each read into a write; once a minute is enough to
  // see it is alive. It is a note, not the request's work: a write that fails (a full disk) must
  // not refuse a read that would succeed.
  if (!row.last_used_at || now.getTime() - fromDbInstant(row.last_used_at).getTime() > TOUCH_EVERY_MS) {
    await touchToken(knex, row.id, now).catch(() => undefined);
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role };
}

/** Revokes a token: the next request that carries it is refused. Revoking a revoked token changes nothing. */
export async function revokeApiToken(knex: Knex, id: number, actor: Actor, origin: RequestOrigin = {}): Promise<{ row: TokenRow; changed: boolean }> {
  return knex.transaction(async (trx) => {
    const row = await findTokenById(trx, id);
    if (!row) throw new NotFoundError('There is no such API token. Reload the tokens page and try again.');
    if (row.revoked_at) return { row, changed: false };
    await revokeToken(trx, id);
    const described = { name: row.name, role: row.role, prefix: row.token_prefix };
    await recordAudit(
      trx,
      actor,
      { action: 'token.revoke', entity: 'api_token', entityId: id, before: { ...described, revoked: false }, after: { ...described, revoked: true } },
      origin,
    );
    return { row: (await findTokenById(trx, id)) ?? row, changed: true };
  });
}
