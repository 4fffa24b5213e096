// Scheduled work: every run recorded with its outcome, and the claims that make each run happen
// once however many instances are up.
import type { Knex } from 'knex';
import { instant, longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_runs', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    t.string('job', 64).notNullable();
    // What the run produces, e.g. 'report:2026-10'; with attempt, unique: a run is claimed by inserting it.
    t.string('run_key', 128).notNullable();
    t.integer('attempt').notNullable();
    // running | succeeded | failed
    t.string('status', 16).notNullable();
    t.string('instance', 128).notNullable();
    instant(t, 'started_at').notNullable();
    instant(t, 'finished_at').nullable();
    t.integer('duration_ms').nullable();
    longText(knex, t, 'error').nullable();
    instant(t, 'retry_at').nullable();
    t.text('details').nullable();
    t.unique(['job', 'run_key', 'attempt']);
    t.index(['started_at']);
  });
  // Leases for work that must not run twice at the same time (e.g. the inbox poll).
  await knex.schema.createTable('job_locks', (t) => {
    tableDefaults(knex, t);
    t.string('name', 128).primary();
    t.string('owner', 128).notNullable();
    instant(t, 'acquired_at').notNullable();
    instant(t, 'expires_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('job_locks');
  await knex.schema.dropTableIfExists('job_runs');
}
