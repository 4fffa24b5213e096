// Reference data of SPEC §3.3: settings, the Panel deadline and its history, the Users and MAP
// registers, declarations, allowances and the bank holidays that are not Working Days.
import type { Knex } from 'knex';
import { calendarDate, eui64, instant, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  // Only values SECAS has changed are stored; the defaults live in code.
  await knex.schema.createTable('settings', (t) => {
    tableDefaults(knex, t);
    t.string('key', 64).primary();
    t.text('value').notNullable();
    instant(t, 'updated_at').notNullable();
    t.string('updated_by', 254).notNullable();
  });
  // Append-only: the deadline in force is the latest recorded.
  await knex.schema.createTable('deadlines', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    calendarDate(t, 'deadline').notNullable();
    calendarDate(t, 'decided_on').notNullable();
    t.text('reason').notNullable();
    t.string('recorded_by', 254).notNullable();
    instant(t, 'recorded_at').notNullable();
  });
  await knex.schema.createTable('dcc_users', (t) => {
    tableDefaults(knex, t);
    eui64(t, 'user_id').primary();
    t.string('name', 200).notNullable();
    t.string('short_name', 50).nullable();
    // false for a User added because it appeared in a snapshot, until SECAS names it.
    t.boolean('registered').notNullable().defaultTo(true);
    instant(t, 'created_at').notNullable();
    instant(t, 'updated_at').notNullable();
  });
  await knex.schema.createTable('map_register', (t) => {
    tableDefaults(knex, t);
    t.string('map_id', 4).primary();
    t.string('name', 200).notNullable();
    instant(t, 'updated_at').notNullable();
  });
  // One per User; a correction replaces it (the audit log keeps the old value).
  await knex.schema.createTable('declarations', (t) => {
    tableDefaults(knex, t);
    eui64(t, 'user_id').primary().references('user_id').inTable('dcc_users');
    t.bigInteger('count').notNullable();
    calendarDate(t, 'received_on').notNullable();
    t.string('recorded_by', 254).notNullable();
    instant(t, 'recorded_at').notNullable();
  });
  // A later allowance replaces an earlier one from its effective date.
  await knex.schema.createTable('allowances', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    eui64(t, 'user_id').notNullable().references('user_id').inTable('dcc_users');
    t.integer('per_day').notNullable();
    calendarDate(t, 'effective_from').notNullable();
    calendarDate(t, 'confirmed_on').notNullable();
    t.string('recorded_by', 254).notNullable();
    instant(t, 'recorded_at').notNullable();
    t.unique(['user_id', 'effective_from']);
  });
  await knex.schema.createTable('holidays', (t) => {
    tableDefaults(knex, t);
    calendarDate(t, 'date').primary();
    t.string('name', 100).notNullable();
    // shipped (generated with the product) | manual (added by SECAS)
    t.string('source', 16).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['holidays', 'allowances', 'declarations', 'map_register', 'dcc_users', 'deadlines', 'settings']) {
    await knex.schema.dropTableIfExists(table);
  }
}
