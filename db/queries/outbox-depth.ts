// How many notification messages wait, went or failed, for the metrics. The outbox table comes with
// the e-mail and webhook notifications; until its migration has run there is none, and this says so
// rather than failing. Its table and column names are here only, to adjust if they change.
import type { Knex } from 'knex';

export const OUTBOX_TABLE = 'notification_outbox';
export const OUTBOX_STATE_COLUMN = 'status';
/** The states always reported (0 when none is in them), so a dashboard sees them before the first message. */
export const OUTBOX_STATES = ['pending', 'sent', 'failed'] as const;

/** Messages per state, or null when the outbox table does not exist (yet). */
export async function countOutboxByState(knex: Knex): Promise<Map<string, number> | null> {
  if (!(await knex.schema.hasTable(OUTBOX_TABLE))) return null;
  const rows: Array<{ state: string | null; n: number | string }> = await knex(OUTBOX_TABLE)
    .select({ state: OUTBOX_STATE_COLUMN })
    .count({ n: '*' })
    .groupBy(OUTBOX_STATE_COLUMN);
  return new Map(rows.map((r) => [String(r.state), Number(r.n)]));
}
