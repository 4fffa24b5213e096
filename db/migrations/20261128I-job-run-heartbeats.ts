// A running job says it is alive every so often; a run whose heartbeat has gone quiet belongs to an
// instance that died, and may be claimed again.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_runs', (t) => {
    t.datetime('heartbeat_at', { precision: 3 }).nullable();
    t.index(['job', 'run_key']);
    t.index(['status', 'retry_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('job_runs', (t) => {
    t.dropIndex(['status', 'retry_at']);
    t.dropIndex(['job', 'run_key']);
    t.dropColumn('heartbeat_at');
  });
}
