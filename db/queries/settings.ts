// Stored programme settings: only values SECAS has changed are rows; defaults live in code.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export async function readStoredSettings(knex: Knex): Promise<Map<string, string>> {
  const rows = await knex<{ key: string; value: string }>('settings').select('key', 'value');
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeStoredSetting(knex: Knex, key: string, value: string, by: string): Promise<void> {
  await knex('settings').insert({ key, value, updated_at: toDbInstant(), updated_by: by }).onConflict('key').merge(['value', 'updated_at', 'updated_by']);
}
