// A snapshot's counts depend on the implementation date and the MAP register in force when it was
// imported. Keeping both with the snapshot lets the outstanding-devices export re-read the archived
// file under the same rules, so its list matches the stored counts even after either has changed.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('snapshots', (t) => {
    t.string('rules_implementation_date', 10).nullable();
    // JSON array of the MAP IDs on the register; null when the register was empty (any 4 letters or digits valid).
    t.text('rules_map_register', 'mediumtext').nullable();
  });
}

// Plain DROP COLUMN on both: knex's SQLite dropColumn copies the table, and dropping the original
// fails while counts, rejections and reports refer to its rows.
export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['snapshots', 'rules_map_register']);
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['snapshots', 'rules_implementation_date']);
}
