// Accounts for people: creating them (CLI, later the accounts page) and checking a login.
import type { Knex } from 'knex';
import { z } from 'zod';
import { findAccountByEmail, insertAccount, type AccountRow } from '../../db/queries/accounts.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import { ConflictError, ValidationError } from '../http/errors.ts';
import { dummyHash, generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { isRole, ROLES, type Actor, type Role } from './roles.ts';

const emailSchema = z.string().trim().toLowerCase().email().max(254);

export function normaliseEmail(email: string): string | null {
  const parsed = emailSchema.safeParse(email);
  return parsed.success ? parsed.data : null;
}

export interface NewAccount {
  email: string;
  role: string;
  /** Omitted: one is generated and returned. */
  password?: string;
}

export async function addAccount(
  knex: Knex,
  input: NewAccount,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ account: AccountRow; generatedPassword: string | null }> {
  const email = normaliseEmail(input.email);
  if (!email) throw new ValidationError(`"${input.email}" is not an e-mail address.`, [{ field: 'email', message: 'Enter an e-mail address like name@example.org.' }]);
  if (!isRole(input.role)) {
    throw new ValidationError(`"${input.role}" is not a role; use one of ${ROLES.join(', ')}.`, [{ field: 'role', message: `Choose one of ${ROLES.join(', ')}.` }]);
  }
  const role: Role = input.role;
  const generatedPassword = input.password === undefined ? generatePassword() : null;
  const password = input.password ?? generatedPassword!;
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(problem, [{ field: 'password', message: problem }]);
  const passwordHash = await hashPassword(password);

  const account = await knex.transaction(async (trx) => {
    if (await findAccountByEmail(trx, email)) throw new ConflictError(`An account for ${email} already exists.`);
    const row = await insertAccount(trx, { email, role, passwordHash });
    await recordAudit(trx, actor, { action: 'account.create', entity: 'account', entityId: row.id, after: { email, role } }, origin);
    return row;
  });
  return { account, generatedPassword };
}

/** The account these credentials belong to, or null. Takes as long for unknown e-mails as for wrong passwords. */
export async function authenticate(knex: Knex, email: string, password: string): Promise<AccountRow | null> {
  const normalised = normaliseEmail(email);
  const account = normalised ? await findAccountByEmail(knex, normalised) : undefined;
  const ok = await verifyPassword(password, account?.password_hash ?? (await dummyHash()));
  if (!account || !ok || account.disabled_at) return null;
  return account;
}
