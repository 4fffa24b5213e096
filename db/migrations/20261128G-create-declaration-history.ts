// Earlier declarations a later one replaced (SPEC §3.3, §4.2). `declarations` keeps one per User —
// the one in force now — and this table keeps the ones it replaced, so that positions as of an
// earlier date (a report about July regenerated in October) still see the declaration as it stood
// then, and lateness still counts from the User's first notification.
import type { Knex } from 'knex';
import { calendarDate, eui64, instant, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('declaration_history', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    eui64(t, 'user_id').notNullable().references('user_id').inTable('dcc_users');
    t.bigInteger('count').notNullable();
    // Always earlier than the User's declaration in `declarations`: one version per date received.
    calendarDate(t, 'received_on').notNullable();
    t.string('recorded_by', 254).notNullable();
    instant(t, 'recorded_at').notNullable();
    t.unique(['user_id', 'received_on']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('declaration_history');
}
