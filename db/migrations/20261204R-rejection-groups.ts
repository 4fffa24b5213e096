// Fixing a refused extract needs every rejected row, not the first thousand kept in the attempt's
// error list: a refused import now keeps its rejected rows (as an accepted snapshot keeps its
// own), and every import keeps its rejected rows counted by reason, so the Snapshots page can say
// "335 × prenotified_date: not a real date" without reading millions of rows on each visit.
// Both belong to their import and go with it (ON DELETE CASCADE).
// `refused` tells a refusal (the file's fault) from a failure (ours) for the upload page.
import type { Knex } from 'knex';
import { longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('snapshot_imports', (t) => {
    t.boolean('refused').notNullable().defaultTo(false);
    // Rows rejected, for a refusal: an accepted import's are on its snapshot.
    t.bigInteger('rejected').nullable();
  });
  await knex.schema.createTable('snapshot_import_rejections', (t) => {
    tableDefaults(knex, t);
    t.integer('import_id').unsigned().notNullable().references('id').inTable('snapshot_imports').onDelete('CASCADE');
    t.bigInteger('line').notNullable();
    t.string('reason', 500).notNullable();
    t.primary(['import_id', 'line']);
  });
  await knex.schema.createTable('snapshot_rejection_groups', (t) => {
    tableDefaults(knex, t);
    t.integer('import_id').unsigned().notNullable().references('id').inTable('snapshot_imports').onDelete('CASCADE');
    // Most rows first, as the page lists them.
    t.integer('position').notNullable();
    t.string('field', 64).notNullable();
    t.string('rule', 500).notNullable();
    t.bigInteger('rows').notNullable();
    // JSON: [{line, field, value}] — the group's first rows by line.
    longText(knex, t, 'examples').notNullable();
    t.primary(['import_id', 'position']);
  });
}

// Plain DROP COLUMN, as in 20261128J: knex's SQLite dropColumn copies the table, which fails while
// other tables refer to its rows.
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('snapshot_rejection_groups');
  await knex.schema.dropTableIfExists('snapshot_import_rejections');
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['snapshot_imports', 'rejected']);
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['snapshot_imports', 'refused']);
}
