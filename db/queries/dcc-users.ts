// The Users register (dcc_users): DCC Users by EUI-64, named by SECAS or added unregistered by a
// snapshot import until SECAS names them.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface DccUser {
  userId: string;
  name: string;
  shortName: string | null;
  registered: boolean;
}

interface DccUserRow {
  user_id: string;
  name: string;
  short_name: string | null;
  registered: boolean | number;
}

function fromRow(row: DccUserRow): DccUser {
  // SQLite and MySQL both hand booleans back as 0/1.
  return { userId: row.user_id, name: row.name, shortName: row.short_name, registered: Boolean(row.registered) };
}

/** Every User, sorted by User ID. */
export async function listDccUsers(knex: Knex): Promise<DccUser[]> {
  const rows = await knex<DccUserRow>('dcc_users').select('user_id', 'name', 'short_name', 'registered').orderBy('user_id');
  return rows.map(fromRow);
}

export async function insertDccUser(knex: Knex, user: DccUser): Promise<void> {
  const now = toDbInstant();
  await knex('dcc_users').insert({
    user_id: user.userId,
    name: user.name,
    short_name: user.shortName,
    registered: user.registered,
    created_at: now,
    updated_at: now,
  });
}

export async function updateDccUser(knex: Knex, user: DccUser): Promise<void> {
  await knex('dcc_users')
    .where({ user_id: user.userId })
    .update({ name: user.name, short_name: user.shortName, registered: user.registered, updated_at: toDbInstant() });
}

/** One User by its normalised ID, or undefined when the register does not have it. */
export async function findDccUser(knex: Knex, userId: string): Promise<DccUser | undefined> {
  const row = await knex<DccUserRow>('dcc_users').select('user_id', 'name', 'short_name', 'registered').where({ user_id: userId }).first();
  return row ? fromRow(row) : undefined;
}
