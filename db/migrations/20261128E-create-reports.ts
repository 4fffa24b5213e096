// Monthly reports (SPEC §5): every version kept with its PDF, the CSV beside it and the hashes that
// tie it to the snapshot it came from. At most one published version per month.
import type { Knex } from 'knex';
import { calendarDate, instant, longBinary, longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reports', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    t.string('month', 7).notNullable();
    t.integer('version').notNullable();
    // draft | published
    t.string('status', 16).notNullable();
    t.integer('snapshot_id').unsigned().notNullable().references('id').inTable('snapshots');
    t.string('snapshot_sha256', 64).notNullable();
    calendarDate(t, 'as_of').notNullable();
    longBinary(knex, t, 'pdf').notNullable();
    t.string('pdf_sha256', 64).notNullable();
    t.integer('pages').notNullable();
    longText(knex, t, 'csv').notNullable();
    t.string('generated_by', 254).notNullable();
    instant(t, 'generated_at').notNullable();
    // Equal to month once published, NULL before: the unique index allows one published per month.
    t.string('published_month', 7).nullable().unique();
    t.string('published_by', 254).nullable();
    instant(t, 'published_at').nullable();
    // JSON: how long each render stage took.
    t.text('timings').nullable();
    t.unique(['month', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reports');
}
