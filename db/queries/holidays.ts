// Bank holidays that are not Working Days (SPEC §4.1): shipped with the product or added by SECAS.
import type { Knex } from 'knex';

export type HolidaySource = 'shipped' | 'manual';

export interface Holiday {
  date: string;
  name: string;
  source: HolidaySource;
}

export async function listHolidays(knex: Knex): Promise<Holiday[]> {
  return knex<Holiday>('holidays').select('date', 'name', 'source').orderBy('date');
}

export async function insertHoliday(knex: Knex, holiday: Holiday): Promise<void> {
  await knex('holidays').insert(holiday);
}

export async function updateHolidayName(knex: Knex, date: string, name: string): Promise<void> {
  await knex('holidays').where({ date }).update({ name });
}

export async function deleteHoliday(knex: Knex, date: string): Promise<void> {
  await knex('holidays').where({ date }).delete();
}
