// What an installation holds so far, counted for the empty overview's setup checklist: the Users
// named in the register, the deadline in force, declarations, allowances and snapshots.
import type { Knex } from 'knex';
import { deadlineInForce } from './deadlines.ts';

export interface SetupCounts {
  registeredUsers: number;
  /** The deadline in force, or null before the Panel has set one. */
  deadline: string | null;
  declarations: number;
  allowances: number;
  snapshots: number;
}

async function rows(query: Knex.QueryBuilder): Promise<number> {
  const row = (await query.count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

export async function setupCounts(knex: Knex): Promise<SetupCounts> {
  return {
    registeredUsers: await rows(knex('dcc_users').where('registered', true)),
    deadline: (await deadlineInForce(knex))?.deadline ?? null,
    declarations: await rows(knex('declarations')),
    allowances: await rows(knex('allowances')),
    snapshots: await rows(knex('snapshots')),
  };
}
