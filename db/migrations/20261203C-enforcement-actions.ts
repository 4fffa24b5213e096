// The enforcement trail: per User, a dated log of what SECAS did or received about its backfill
// (a letter sent, a meeting, a response received, an escalation, a Panel decision, a note), with
// an optional date by which something is due. Rows are only ever added; the audit log keeps who
// added each and when.
import type { Knex } from 'knex';
import { calendarDate, eui64, instant, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('enforcement_actions', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    eui64(t, 'user_id').notNullable().references('user_id').inTable('dcc_users');
    // letter-sent | meeting | response-received | escalation | panel-decision | note (checked by the service)
    t.string('kind', 32).notNullable();
    calendarDate(t, 'taken_on').notNullable();
    // At most 4,000 characters (the service checks): TEXT holds that in utf8mb4 on MySQL.
    t.text('text').notNullable();
    calendarDate(t, 'due_on').nullable();
    t.string('recorded_by', 254).notNullable();
    instant(t, 'recorded_at').notNullable();
    // A User's trail in date order: the User page, and the report's actions since the last one.
    t.index(['user_id', 'taken_on'], 'enforcement_actions_user_taken_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('enforcement_actions');
}
