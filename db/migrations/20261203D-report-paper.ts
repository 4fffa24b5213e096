// The monthly report becomes the paper the Panel decides from: each version keeps the figures it
// told the Panel (JSON, so the next month's change compares with exactly those), SECAS's executive
// summary and the decisions sought, and — for a correction of a published report — the version it
// supersedes and why. A superseded version keeps its PDF; only its status says it is no longer current.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reports', (t) => {
    t.text('figures', 'longtext').nullable();
    t.text('summary').nullable();
    t.text('decisions').nullable();
    t.integer('supersedes_version').nullable();
    t.text('correction_reason').nullable();
    t.boolean('stale').notNullable().defaultTo(false);
  });
}

// Plain DROP COLUMN on both (knex's SQLite dropColumn copies the table, which other tables refer to).
export async function down(knex: Knex): Promise<void> {
  for (const column of ['stale', 'correction_reason', 'supersedes_version', 'decisions', 'summary', 'figures']) {
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['reports', column]);
  }
}
