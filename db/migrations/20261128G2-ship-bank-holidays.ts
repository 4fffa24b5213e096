// Data, not schema: the England and Wales bank holidays 2017–2035 the product ships (SPEC §4.1),
// generated from date-holidays by shippedBankHolidays(). Idempotent: a day already in the table —
// shipped earlier or added by SECAS — is left as it is; down removes only shipped days it would add.
import type { Knex } from 'knex';
import { shippedBankHolidays } from '../../server/engine/bank-holidays.ts';

// The generator is a pure function of the date-holidays data (pinned by test/unit/engine/
// bank-holidays.test.ts), not an application model, so the migration cannot drift with app code.
const SHIPPED = shippedBankHolidays(2017, 2035);

export async function up(knex: Knex): Promise<void> {
  const present = new Set((await knex('holidays').select('date')).map((row: { date: string }) => row.date));
  const missing = SHIPPED.filter((holiday) => !present.has(holiday.date)).map((holiday) => ({
    date: holiday.date,
    name: holiday.name,
    source: 'shipped',
  }));
  // 155 rows in all; batches keep each statement well inside SQLite's variable limit. Plain inserts
  // (not batchInsert, which opens its own transaction) stay in the migration's transaction.
  for (let start = 0; start < missing.length; start += 100) {
    await knex('holidays').insert(missing.slice(start, start + 100));
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex('holidays')
    .where({ source: 'shipped' })
    .whereIn(
      'date',
      SHIPPED.map((holiday) => holiday.date),
    )
    .delete();
}
