// Whether the database answers at all, within a couple of seconds: for /healthz.
import type { Knex } from 'knex';

const TIMEOUT_MS = 2000;

export async function databaseAnswers(knex: Knex): Promise<boolean> {
  try {
    await knex.raw('select 1').timeout(TIMEOUT_MS, { cancel: false });
    return true;
  } catch {
    return false;
  }
}
