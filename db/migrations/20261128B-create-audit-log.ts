// Every change anyone makes: who, when, what, and the before/after where it makes sense.
import type { Knex } from 'knex';
import { instant, longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    tableDefaults(knex, t);
    t.bigIncrements('id');
    instant(t, 'at').notNullable().index();
    // account | token | cli | system
    t.string('actor_kind', 16).notNullable();
    t.string('actor', 254).notNullable();
    t.string('action', 64).notNullable().index();
    t.string('entity', 64).nullable();
    t.string('entity_id', 128).nullable();
    longText(knex, t, 'before').nullable();
    longText(knex, t, 'after').nullable();
    t.string('request_id', 64).nullable();
    t.string('ip', 64).nullable();
    t.index(['entity', 'entity_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('audit_log');
}
