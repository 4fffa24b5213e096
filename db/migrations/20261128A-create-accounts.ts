// People (accounts), systems (API tokens) and the sessions people log in with.
import type { Knex } from 'knex';
import { instant, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    t.string('email', 254).notNullable().unique();
    t.string('role', 16).notNullable();
    t.string('password_hash', 255).notNullable();
    instant(t, 'created_at').notNullable();
    instant(t, 'updated_at').notNullable();
    instant(t, 'last_login_at').nullable();
    instant(t, 'disabled_at').nullable();
  });
  await knex.schema.createTable('api_tokens', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    t.string('name', 100).notNullable();
    t.string('role', 16).notNullable();
    // SHA-256 of the token: the token itself is shown once and never stored.
    t.string('token_hash', 64).notNullable().unique();
    t.string('token_prefix', 16).notNullable();
    t.string('created_by', 254).notNullable();
    instant(t, 'created_at').notNullable();
    instant(t, 'last_used_at').nullable();
    instant(t, 'revoked_at').nullable();
  });
  // The shape connect-session-knex reads and writes.
  await knex.schema.createTable('sessions', (t) => {
    tableDefaults(knex, t);
    t.string('sid', 255).primary();
    t.text('sess').notNullable();
    t.datetime('expired').notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sessions');
  await knex.schema.dropTableIfExists('api_tokens');
  await knex.schema.dropTableIfExists('accounts');
}
