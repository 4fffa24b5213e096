// Failed logins, one row each, so that every instance sharing the database counts the same
// failures per account and per client address (server/auth/login-throttle.ts).
import type { Knex } from 'knex';
import { instant, tableDefaults } from '../schema-helpers.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_failures', (t) => {
    tableDefaults(knex, t);
    t.increments('id');
    // The normalised e-mail address typed, whether or not an account has it.
    t.string('account', 254).notNullable();
    // The client address (an IPv6 one by its /56), as counted.
    t.string('address', 64).notNullable();
    instant(t, 'failed_at').notNullable();
    // Each serves one query: the recent failures of an account, of an address; the sweep of old ones.
    t.index(['account', 'failed_at'], 'login_failures_account_index');
    t.index(['address', 'failed_at'], 'login_failures_address_index');
    t.index(['failed_at'], 'login_failures_failed_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('login_failures');
}
