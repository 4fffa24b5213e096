// Telling people and systems when it matters: an outbox of messages (e-mail to an address, a
// webhook call to a registered URL), written in the same transaction as the event it tells of and
// sent by a job that claims each row, so a restart or an outage loses none and sends none twice;
// each account's choice of which e-mails it wants; the webhooks SECAS registers.
import type { Knex } from 'knex';
import { instant, longText, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_outbox', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    // email | webhook
    t.string('channel', 16).notNullable();
    // report.published, report.drafted, … (server/notifications/events.ts)
    t.string('event', 40).notNullable();
    // An e-mail address, or the webhook's id.
    t.string('recipient', 254).notNullable();
    // What the message tells (JSON); the message itself is made from it when sent.
    longText(knex, t, 'payload').notNullable();
    // pending | sending | sent | failed | skipped
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    instant(t, 'next_attempt_at').notNullable();
    t.string('claimed_by', 100).nullable();
    instant(t, 'claimed_until').nullable();
    instant(t, 'sent_at').nullable();
    t.text('last_error').nullable();
    instant(t, 'created_at').notNullable();
    // One message per event and recipient however often the event is recorded (NULL for a resend).
    t.string('dedupe_key', 191).nullable().unique();
    t.index(['status', 'next_attempt_at'], 'notification_outbox_due_index');
  });
  await knex.schema.createTable('notification_preferences', (t) => {
    tableDefaults(knex, t);
    t.integer('account_id').unsigned().notNullable().references('id').inTable('accounts');
    t.string('event', 40).notNullable();
    t.boolean('enabled').notNullable();
    t.primary(['account_id', 'event']);
  });
  await knex.schema.createTable('webhooks', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    t.string('url', 2000).notNullable();
    // JSON array of the events it is sent.
    t.text('events').notNullable();
    // The HMAC-SHA256 key its calls are signed with, shown once when it is made.
    t.string('secret', 100).notNullable();
    t.string('created_by', 254).notNullable();
    instant(t, 'created_at').notNullable();
    instant(t, 'removed_at').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhooks');
  await knex.schema.dropTableIfExists('notification_preferences');
  await knex.schema.dropTableIfExists('notification_outbox');
}
