// Declarations (SPEC §3.3): `declarations` holds each User's declaration in force (one per User);
// `declaration_history` the earlier ones it replaced, each received strictly before it.
import type { Knex } from 'knex';

export interface Declaration {
  userId: string;
  count: number;
  receivedOn: string;
}

export interface DeclarationRecord extends Declaration {
  recordedBy: string;
  recordedAt: string;
}

export type DeclarationTable = 'declarations' | 'declaration_history';

interface DeclarationRow {
  user_id: string;
  count: number | string;
  received_on: string;
  recorded_by: string;
  recorded_at: string;
}

async function list(knex: Knex, table: DeclarationTable): Promise<DeclarationRecord[]> {
  const rows = await knex<DeclarationRow>(table)
    .select('user_id', 'count', 'received_on', 'recorded_by', 'recorded_at')
    .orderBy([{ column: 'user_id' }, { column: 'received_on' }]);
  return rows.map((row) => ({
    userId: row.user_id,
    count: Number(row.count),
    receivedOn: row.received_on,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  }));
}

/** The declaration in force for each User that has one. */
export function listCurrentDeclarations(knex: Knex): Promise<DeclarationRecord[]> {
  return list(knex, 'declarations');
}

/** Earlier declarations, replaced by a later one. */
export function listDeclarationHistory(knex: Knex): Promise<DeclarationRecord[]> {
  return list(knex, 'declaration_history');
}

/** Stores a record as given: an archived or restored declaration keeps who recorded it and when. */
export async function insertDeclaration(knex: Knex, table: DeclarationTable, record: DeclarationRecord): Promise<void> {
  await knex(table).insert({
    user_id: record.userId,
    count: record.count,
    received_on: record.receivedOn,
    recorded_by: record.recordedBy,
    recorded_at: record.recordedAt,
  });
}

/** Replaces the User's row in `table` received on `match.receivedOn` (in `declarations`, its only one). */
export async function updateDeclaration(
  knex: Knex,
  table: DeclarationTable,
  match: { userId: string; receivedOn: string },
  record: DeclarationRecord,
): Promise<void> {
  await knex(table)
    .where({ user_id: match.userId, received_on: match.receivedOn })
    .update({ count: record.count, received_on: record.receivedOn, recorded_by: record.recordedBy, recorded_at: record.recordedAt });
}

export async function deleteDeclaration(knex: Knex, table: DeclarationTable, userId: string, receivedOn: string): Promise<void> {
  await knex(table).where({ user_id: userId, received_on: receivedOn }).delete();
}
