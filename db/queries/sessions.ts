// The sessions table: one row per logged-in (or form-holding) browser session. The account a
// session belongs to is a column of its own, indexed, so ending an account's sessions is one
// indexed delete, not a read of every session's JSON.
import type { Knex } from 'knex';
import { readRow } from '../hot-read.ts';
import { toDbInstant } from '../instant.ts';

export interface StoredSession {
  sid: string;
  /** The session's JSON, as express-session made it. */
  sess: string;
  expires: Date;
  accountId: number | null;
}

// Runs for every page request with a session cookie: db/hot-read.ts.
const READ_SQL = 'select sess from sessions where sid = ? and expired > ?';

/** The JSON of a session that has not expired, or undefined. */
export async function readSession(knex: Knex, sid: string, now = new Date()): Promise<string | undefined> {
  const row = await readRow<{ sess: string | Record<string, unknown> }>(knex, READ_SQL, [sid, toDbInstant(now)]);
  if (row === undefined) return undefined;
  return typeof row.sess === 'string' ? row.sess : JSON.stringify(row.sess);
}

export async function writeSession(knex: Knex, session: StoredSession): Promise<void> {
  await knex('sessions')
    .insert({ sid: session.sid, sess: session.sess, expired: toDbInstant(session.expires), account_id: session.accountId })
    .onConflict('sid')
    .merge(['sess', 'expired', 'account_id']);
}

/** Moves a live session's expiry; never brings back one that has expired or was deleted meanwhile. */
export async function touchSession(knex: Knex, sid: string, expires: Date, now = new Date()): Promise<void> {
  await knex('sessions')
    .where({ sid })
    .andWhere('expired', '>', toDbInstant(now))
    .update({ expired: toDbInstant(expires) });
}

export async function deleteSession(knex: Knex, sid: string): Promise<void> {
  await knex('sessions').where({ sid }).delete();
}

/** Ends every session of one account but `keepSid`; returns how many ended. */
export async function deleteSessionsOfAccount(knex: Knex, accountId: number, keepSid?: string): Promise<number> {
  const query = knex('sessions').where({ account_id: accountId });
  if (keepSid !== undefined) query.andWhereNot({ sid: keepSid });
  return Number(await query.delete());
}

export async function deleteExpiredSessions(knex: Knex, now = new Date()): Promise<number> {
  return Number(await knex('sessions').where('expired', '<=', toDbInstant(now)).delete());
}

export async function countSessions(knex: Knex): Promise<number> {
  const row = (await knex('sessions').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
