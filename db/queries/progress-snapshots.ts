// What the progress engine reads of the snapshot tables (written by the snapshot import): each
// imported snapshot's id and as-of date, and its counts per User and fuel as stored — no sums,
// no arithmetic; the engine works everything else out (SPEC §3.2, §4.2).
import type { Knex } from 'knex';

export interface SnapshotDate {
  id: number;
  asOf: string;
}

export interface StoredCount {
  snapshotId: number;
  userId: string;
  fuel: string;
  inScope: number;
  completed: number;
  invalid: number;
  newMissing: number;
}

interface CountRow {
  snapshot_id: number;
  user_id: string;
  fuel: string;
  in_scope: number | string;
  completed: number | string;
  invalid: number | string;
  new_missing: number | string;
}

/**
 * Every snapshot, superseded ones included: the engine keeps the newest of each date, and a pinned
 * baseline may name any of them.
 */
export async function listSnapshotDates(knex: Knex): Promise<SnapshotDate[]> {
  const rows = await knex<{ id: number; as_of: string }>('snapshots').select('id', 'as_of').orderBy('id');
  return rows.map((row) => ({ id: row.id, asOf: row.as_of }));
}

/** The stored counts of every snapshot with as-of date on or before `date`, in one query. */
export async function listCountsUpTo(knex: Knex, date: string): Promise<StoredCount[]> {
  const rows: CountRow[] = await knex('snapshot_counts as c')
    .join('snapshots as s', 's.id', 'c.snapshot_id')
    .where('s.as_of', '<=', date)
    .select<CountRow[]>('c.snapshot_id', 'c.user_id', 'c.fuel', 'c.in_scope', 'c.completed', 'c.invalid', 'c.new_missing');
  // bigint columns may come back as strings from a driver; the values are small whole numbers.
  return rows.map((row) => ({
    snapshotId: Number(row.snapshot_id),
    userId: row.user_id,
    fuel: row.fuel,
    inScope: Number(row.in_scope),
    completed: Number(row.completed),
    invalid: Number(row.invalid),
    newMissing: Number(row.new_missing),
  }));
}
