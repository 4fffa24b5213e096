// Sessions say whose they are in an indexed column (ending an account's sessions was a read of
// every row's JSON), and keep their expiry in the same UTC form as every other instant
// (db/instant.ts) on both databases: connect-session-knex wrote ISO strings with 'T' and 'Z' on
// SQLite, which do not compare as text with the form the session store now writes.
import type { Knex } from 'knex';
import { isMysql } from '../dialect/is-mysql.ts';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.integer('account_id').nullable().index('sessions_account_id_index');
  });
  if (isMysql(knex)) {
    await knex.raw('UPDATE sessions SET account_id = CAST(JSON_VALUE(sess, ?) AS UNSIGNED)', ['$.accountId']);
  } else {
    await knex.raw("UPDATE sessions SET expired = replace(replace(expired, 'T', ' '), 'Z', '')");
    await knex.raw("UPDATE sessions SET account_id = json_extract(sess, '$.accountId') WHERE json_valid(sess)");
  }
}

// Plain DROP COLUMN on both (knex's SQLite dropColumn copies the table); the index goes first.
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (t) => {
    t.dropIndex(['account_id'], 'sessions_account_id_index');
  });
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['sessions', 'account_id']);
}
