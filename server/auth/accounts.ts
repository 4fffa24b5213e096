// Accounts for people: creating them (CLI and the accounts page), checking a login, and the changes
// SECAS makes on the accounts page (role, disable, enable, password reset), each audited.
import type { Knex } from 'knex';
import { z } from 'zod';
import { findAccountByEmail, insertAccount, lockAccounts, updateAccount, type AccountRow } from '../../db/queries/accounts.ts';
import { deleteSessionsOfAccount } from '../../db/queries/sessions.ts';
import { toDbInstant } from '../../db/instant.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { dummyHash, generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { isRole, ROLE_LABELS, ROLES, type Actor, type Role } from './roles.ts';

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
  if (!email)
    throw new ValidationError(`"${input.email}" is not an e-mail address.`, [{ field: 'email', message: 'Enter an e-mail address like name@example.org.' }]);
  if (!isRole(input.role)) {
    throw new ValidationError(`"${input.role}" is not a role; use one of ${ROLES.join(', ')}.`, [
      { field: 'role', message: `Choose one of ${ROLES.join(', ')}.` },
    ]);
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

// --- Changes SECAS makes on the accounts page (SPEC §2). Each runs with every account locked, so
// the rule "at least one enabled SECAS account" holds however many SECAS users act at once. ---

/** An account after a change, and whether anything changed (a repeated click changes nothing). */
export interface AccountChange {
  account: AccountRow;
  changed: boolean;
}

const NO_SUCH_ACCOUNT = 'There is no such account. Reload the accounts page and try again.';

function enabledSecasCount(accounts: readonly AccountRow[]): number {
  return accounts.filter((row) => row.role === 'secas' && !row.disabled_at).length;
}

function isLastEnabledSecas(target: AccountRow, accounts: readonly AccountRow[]): boolean {
  return target.role === 'secas' && !target.disabled_at && enabledSecasCount(accounts) <= 1;
}

function lastSecasMessage(target: AccountRow, change: string): string {
  return `${target.email} is the only enabled SECAS account, so it cannot ${change}: without it nobody could manage accounts. Give another account the SECAS role first.`;
}

function isSelf(actor: Actor, account: AccountRow): boolean {
  return actor.kind === 'account' && actor.name === account.email;
}

async function withLockedAccount<T>(knex: Knex, id: number, work: (trx: Knex.Transaction, target: AccountRow, all: AccountRow[]) => Promise<T>): Promise<T> {
  return knex.transaction(async (trx) => {
    const all = await lockAccounts(trx);
    const target = all.find((row) => row.id === id);
    if (!target) throw new NotFoundError(NO_SUCH_ACCOUNT);
    return work(trx, target, all);
  });
}

export async function changeAccountRole(knex: Knex, id: number, role: string, actor: Actor, origin: RequestOrigin = {}): Promise<AccountChange> {
  if (!isRole(role)) {
    throw new ValidationError(`"${role}" is not a role; choose one of ${ROLES.map((r) => ROLE_LABELS[r]).join(', ')}.`, [
      { field: 'role', message: `Choose one of ${ROLES.map((r) => ROLE_LABELS[r]).join(', ')}.` },
    ]);
  }
  return withLockedAccount(knex, id, async (trx, target, all) => {
    if (target.role === role) return { account: target, changed: false };
    if (isLastEnabledSecas(target, all)) {
      const message = lastSecasMessage(target, `become ${ROLE_LABELS[role]}`);
      throw new ValidationError(message, [{ field: 'role', message }]);
    }
    await updateAccount(trx, id, { role });
    await recordAudit(
      trx,
      actor,
      { action: 'account.role', entity: 'account', entityId: id, before: { email: target.email, role: target.role }, after: { email: target.email, role } },
      origin,
    );
    return { account: { ...target, role }, changed: true };
  });
}

/** Disables an account and ends its sessions: it is logged out at once and cannot log in. */
export async function disableAccount(knex: Knex, id: number, actor: Actor, origin: RequestOrigin = {}): Promise<AccountChange> {
  return withLockedAccount(knex, id, async (trx, target, all) => {
    if (target.disabled_at) return { account: target, changed: false };
    if (isSelf(actor, target)) {
      const message = 'You cannot disable your own account; another SECAS user can.';
      throw new ValidationError(message, [{ field: 'status', message }]);
    }
    if (isLastEnabledSecas(target, all)) {
      const message = lastSecasMessage(target, 'be disabled');
      throw new ValidationError(message, [{ field: 'status', message }]);
    }
    const disabledAt = toDbInstant();
    await updateAccount(trx, id, { disabledAt });
    // identify.ts already refuses a disabled account on its next request; deleting the sessions as
    // well means re-enabling it later does not revive them.
    await deleteSessionsOfAccount(trx, id);
    await recordAudit(
      trx,
      actor,
      {
        action: 'account.disable',
        entity: 'account',
        entityId: id,
        before: { email: target.email, disabled: false },
        after: { email: target.email, disabled: true },
      },
      origin,
    );
    return { account: { ...target, disabled_at: disabledAt }, changed: true };
  });
}

export async function enableAccount(knex: Knex, id: number, actor: Actor, origin: RequestOrigin = {}): Promise<AccountChange> {
  return withLockedAccount(knex, id, async (trx, target) => {
    if (!target.disabled_at) return { account: target, changed: false };
    await updateAccount(trx, id, { disabledAt: null });
    await recordAudit(
      trx,
      actor,
      {
        action: 'account.enable',
        entity: 'account',
        entityId: id,
        before: { email: target.email, disabled: true },
        after: { email: target.email, disabled: false },
      },
      origin,
    );
    return { account: { ...target, disabled_at: null }, changed: true };
  });
}

/**
 * Gives an account a new generated password, returned to be shown once, and ends the account's
 * sessions (but `keepSessionId`, the session of someone resetting their own), since the old
 * password may be why it is reset. The audit log records that it happened, never the password.
 */
export async function resetAccountPassword(
  knex: Knex,
  id: number,
  actor: Actor,
  origin: RequestOrigin = {},
  options: { keepSessionId?: string } = {},
): Promise<{ account: AccountRow; password: string }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  return withLockedAccount(knex, id, async (trx, target) => {
    await updateAccount(trx, id, { passwordHash });
    await deleteSessionsOfAccount(trx, id, options.keepSessionId);
    await recordAudit(trx, actor, { action: 'account.password-reset', entity: 'account', entityId: id, after: { email: target.email } }, origin);
    return { account: target, password };
  });
}
