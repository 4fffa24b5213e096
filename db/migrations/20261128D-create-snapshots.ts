// Inventory snapshots (SPEC §3.1–3.2). An import attempt is recorded in snapshot_imports from its
// start; the snapshot, its counts and its rejected rows appear together in one transaction at the
// end, so a failed or killed import leaves no data anyone could read as a snapshot.
import type { Knex } from 'knex';
import { calendarDate, eui64, instant, longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('snapshots', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    calendarDate(t, 'as_of').notNullable().index();
    t.string('sha256', 64).notNullable().unique();
    t.string('file_name', 255).notNullable();
    t.bigInteger('byte_size').notNullable();
    t.boolean('gzip').notNullable();
    // Path of the compressed copy under DATA_DIR, relative to it.
    t.string('archive_path', 255).notNullable();
    t.bigInteger('rows').notNullable();
    t.bigInteger('accepted').notNullable();
    t.bigInteger('rejected').notNullable();
    // Set when a newer file for the same as-of date replaced this one; it stays for history.
    t.integer('superseded_by').unsigned().nullable().references('id').inTable('snapshots');
    t.string('source', 16).notNullable();
    t.string('uploaded_by', 254).notNullable();
    instant(t, 'imported_at').notNullable();
  });
  await knex.schema.createTable('snapshot_counts', (t) => {
    tableDefaults(knex, t);
    t.integer('snapshot_id').unsigned().notNullable().references('id').inTable('snapshots');
    eui64(t, 'user_id').notNullable().references('user_id').inTable('dcc_users');
    t.string('fuel', 4).notNullable();
    t.bigInteger('in_scope').notNullable();
    t.bigInteger('completed').notNullable();
    t.bigInteger('invalid').notNullable();
    t.bigInteger('new_missing').notNullable();
    t.primary(['snapshot_id', 'user_id', 'fuel']);
  });
  await knex.schema.createTable('snapshot_rejections', (t) => {
    tableDefaults(knex, t);
    t.integer('snapshot_id').unsigned().notNullable().references('id').inTable('snapshots');
    t.bigInteger('line').notNullable();
    t.string('reason', 500).notNullable();
    t.primary(['snapshot_id', 'line']);
  });
  await knex.schema.createTable('snapshot_imports', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    // running | imported | duplicate | failed
    t.string('status', 16).notNullable().index();
    t.string('file_name', 255).notNullable();
    calendarDate(t, 'as_of').nullable();
    t.string('sha256', 64).nullable();
    t.integer('snapshot_id').unsigned().nullable().references('id').inTable('snapshots');
    t.string('source', 16).notNullable();
    t.string('uploaded_by', 254).notNullable();
    // Which process runs it, and when it last said it was alive: a stale heartbeat means it died.
    t.string('instance', 128).notNullable();
    instant(t, 'started_at').notNullable();
    instant(t, 'heartbeat_at').notNullable();
    instant(t, 'finished_at').nullable();
    t.bigInteger('rows').nullable();
    t.bigInteger('bytes_read').nullable();
    // JSON: [{line, reason}] — why it failed, for the person who sent the file.
    longText(knex, t, 'errors').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['snapshot_imports', 'snapshot_rejections', 'snapshot_counts', 'snapshots']) {
    await knex.schema.dropTableIfExists(table);
  }
}
