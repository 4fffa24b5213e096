// Allowances (SPEC §3.3): Update Inventory SRs a User may send per Working Day, from a date, as
// confirmed by the DCC. One per User and effective date; a later date replaces it from then.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface Allowance {
  userId: string;
  perDay: number;
  effectiveFrom: string;
  confirmedOn: string;
}

export interface AllowanceRecord extends Allowance {
  recordedBy: string;
  recordedAt: string;
}

interface AllowanceRow {
  user_id: string;
  per_day: number | string;
  effective_from: string;
  confirmed_on: string;
  recorded_by: string;
  recorded_at: string;
}

/** Every allowance, by User and effective date. */
export async function listAllowances(knex: Knex): Promise<AllowanceRecord[]> {
  const rows = await knex<AllowanceRow>('allowances')
    .select('user_id', 'per_day', 'effective_from', 'confirmed_on', 'recorded_by', 'recorded_at')
    .orderBy([{ column: 'user_id' }, { column: 'effective_from' }]);
  return rows.map((row) => ({
    userId: row.user_id,
    perDay: Number(row.per_day),
    effectiveFrom: row.effective_from,
    confirmedOn: row.confirmed_on,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  }));
}

export async function insertAllowance(knex: Knex, allowance: Allowance, recordedBy: string): Promise<void> {
  await knex('allowances').insert({
    user_id: allowance.userId,
    per_day: allowance.perDay,
    effective_from: allowance.effectiveFrom,
    confirmed_on: allowance.confirmedOn,
    recorded_by: recordedBy,
    recorded_at: toDbInstant(),
  });
}

export async function updateAllowance(knex: Knex, allowance: Allowance, recordedBy: string): Promise<void> {
  await knex('allowances')
    .where({ user_id: allowance.userId, effective_from: allowance.effectiveFrom })
    .update({ per_day: allowance.perDay, confirmed_on: allowance.confirmedOn, recorded_by: recordedBy, recorded_at: toDbInstant() });
}

export async function deleteAllowance(knex: Knex, userId: string, effectiveFrom: string): Promise<void> {
  await knex('allowances').where({ user_id: userId, effective_from: effectiveFrom }).delete();
}
