// What a database already holds, and who wrote first in it: for the demo, which must never fill (or
// empty) a database that holds someone's real programme.
import type { Knex } from 'knex';

/** Rows in each of `tables` that exists (a database not yet migrated has none of them). */
export async function countRowsIn(knex: Knex, tables: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    if (!(await knex.schema.hasTable(table))) continue;
    const row = (await knex(table).count({ n: '*' }).first()) as { n: number | string } | undefined;
    counts.set(table, Number(row?.n ?? 0));
  }
  return counts;
}

/** Who made the first entry in the audit log, or undefined when there is none (or no audit log). */
export async function firstAuditActor(knex: Knex): Promise<{ kind: string; name: string } | undefined> {
  if (!(await knex.schema.hasTable('audit_log'))) return undefined;
  const first = await knex<{ id: number; actor_kind: string; actor: string }>('audit_log').orderBy('id', 'asc').first('actor_kind', 'actor');
  return first === undefined ? undefined : { kind: first.actor_kind, name: first.actor };
}
