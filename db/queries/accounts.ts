// Queries over accounts and API tokens.
import type { Knex } from 'knex';
import { forUpdate } from '../dialect/lock.ts';
import { toDbInstant } from '../instant.ts';

/** The roles an account or token row may hold (SPEC §2); server/auth/roles.ts says what each may do. */
export const ROLES = ['secas', 'panel', 'dcc'] as const;
export type Role = (typeof ROLES)[number];

export interface AccountRow {
  id: number;
  email: string;
  role: Role;
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  disabled_at: string | null;
}

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  token_hash: string;
  token_prefix: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export async function countAccounts(knex: Knex): Promise<number> {
  const row = (await knex('accounts').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

export function findAccountByEmail(knex: Knex, email: string): Promise<AccountRow | undefined> {
  return knex<AccountRow>('accounts').where({ email }).first();
}

export function findAccountById(knex: Knex, id: number): Promise<AccountRow | undefined> {
  return knex<AccountRow>('accounts').where({ id }).first();
}

export async function insertAccount(knex: Knex, values: { email: string; role: Role; passwordHash: string }): Promise<AccountRow> {
  const now = toDbInstant();
  const [id] = await knex('accounts').insert({
    email: values.email,
    role: values.role,
    password_hash: values.passwordHash,
    created_at: now,
    updated_at: now,
  });
  const row = await findAccountById(knex, Number(id));
  if (!row) throw new Error(`account ${String(id)} vanished after insert`);
  return row;
}

export async function recordLogin(knex: Knex, id: number): Promise<void> {
  await knex('accounts').where({ id }).update({ last_login_at: toDbInstant() });
}

export async function insertToken(
  knex: Knex,
  values: { name: string; role: Role; tokenHash: string; tokenPrefix: string; createdBy: string },
): Promise<TokenRow> {
  const [id] = await knex('api_tokens').insert({
    name: values.name,
    role: values.role,
    token_hash: values.tokenHash,
    token_prefix: values.tokenPrefix,
    created_by: values.createdBy,
    created_at: toDbInstant(),
  });
  const row = await knex<TokenRow>('api_tokens')
    .where({ id: Number(id) })
    .first();
  if (!row) throw new Error(`token ${String(id)} vanished after insert`);
  return row;
}

export function findActiveTokenByHash(knex: Knex, tokenHash: string): Promise<TokenRow | undefined> {
  return knex<TokenRow>('api_tokens').where({ token_hash: tokenHash }).whereNull('revoked_at').first();
}

export async function touchToken(knex: Knex, id: number, at: Date): Promise<void> {
  await knex('api_tokens')
    .where({ id })
    .update({ last_used_at: toDbInstant(at) });
}

// --- The accounts and API tokens pages (issue 6) ---

export function listAccounts(knex: Knex): Promise<AccountRow[]> {
  return knex<AccountRow>('accounts').orderBy('email');
}

/**
 * Every account, locked until the transaction ends (MySQL; SQLite's single connection already
 * serialises transactions). Account changes take this first so two SECAS users cannot each remove
 * the other's SECAS role at the same moment and leave nobody able to manage accounts.
 */
export function lockAccounts(trx: Knex.Transaction): Promise<AccountRow[]> {
  return forUpdate(trx, trx<AccountRow>('accounts').orderBy('id'));
}

export async function updateAccount(knex: Knex, id: number, values: { role?: Role; passwordHash?: string; disabledAt?: string | null }): Promise<void> {
  await knex('accounts')
    .where({ id })
    .update({
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.passwordHash === undefined ? {} : { password_hash: values.passwordHash }),
      ...(values.disabledAt === undefined ? {} : { disabled_at: values.disabledAt }),
      updated_at: toDbInstant(),
    });
}

export function listTokens(knex: Knex): Promise<TokenRow[]> {
  return knex<TokenRow>('api_tokens').orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
}

export function findTokenById(knex: Knex, id: number): Promise<TokenRow | undefined> {
  return knex<TokenRow>('api_tokens').where({ id }).first();
}

export async function revokeToken(knex: Knex, id: number, at = new Date()): Promise<void> {
  await knex('api_tokens')
    .where({ id })
    .whereNull('revoked_at')
    .update({ revoked_at: toDbInstant(at) });
}
