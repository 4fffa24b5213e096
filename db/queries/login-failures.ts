// The login_failures table: one row per failed login, by the account (e-mail) typed and the client
// address it came from. An attempt's row is written before its password is checked and removed when
// the password is right or the attempt was refused unchecked, so attempts made at the same moment
// are counted against each other (server/auth/login-throttle.ts).
import type { Knex } from 'knex';
import { fromDbInstant, toDbInstant } from '../instant.ts';

export interface LoginSubject {
  account: string;
  address: string;
}

/** Writes an attempt as a failure; returns its id. */
export async function insertLoginFailure(knex: Knex, subject: LoginSubject, at: Date): Promise<number> {
  const [id] = await knex('login_failures').insert({ account: subject.account, address: subject.address, failed_at: toDbInstant(at) });
  return Number(id);
}

export async function deleteLoginFailure(knex: Knex, id: number): Promise<void> {
  await knex('login_failures').where({ id }).delete();
}

/**
 * When the `n`th most recent failure since `since` of an account or address, among those written
 * before failure `beforeId`, happened; undefined when there are fewer than `n`.
 */
export async function nthRecentFailure(
  knex: Knex,
  by: keyof LoginSubject,
  value: string,
  options: { since: Date; beforeId: number; n: number },
): Promise<Date | undefined> {
  const row = await knex<{ failed_at: string | Date }>('login_failures')
    .where(by, value)
    .andWhere('failed_at', '>', toDbInstant(options.since))
    .andWhere('id', '<', options.beforeId)
    .orderBy('failed_at', 'desc')
    .offset(options.n - 1)
    .first('failed_at');
  return row === undefined ? undefined : fromDbInstant(row.failed_at);
}

/** Forgets failures at or before `cutoff`; returns how many. */
export async function deleteLoginFailuresUntil(knex: Knex, cutoff: Date): Promise<number> {
  return Number(await knex('login_failures').where('failed_at', '<=', toDbInstant(cutoff)).delete());
}
