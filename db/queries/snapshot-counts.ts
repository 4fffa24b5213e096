// The snapshot_counts table: what an import counted, per snapshot, User and fuel (SPEC §3.2), as
// stored — no sums, no arithmetic. The one module that writes and reads it, in one shape: per
// User, each fuel's four counts (outstanding is worked out by the engine, never stored).
import type { Knex } from 'knex';

export interface StoredFuelCounts {
  inScope: number;
  completed: number;
  invalid: number;
  newMissing: number;
}

export interface StoredUserCounts {
  esme: StoredFuelCounts;
  gsme: StoredFuelCounts;
}

/** One snapshot's counts, by User ID. */
export type StoredSnapshotCounts = Record<string, StoredUserCounts>;

const COLUMN_FUEL = { esme: 'ESME', gsme: 'GSME' } as const;
const FUEL_OF_COLUMN: Record<string, keyof StoredUserCounts | undefined> = { ESME: 'esme', GSME: 'gsme' };
const BATCH = 500;

interface CountRow {
  snapshot_id: number | string;
  user_id: string;
  fuel: string;
  in_scope: number | string;
  completed: number | string;
  invalid: number | string;
  new_missing: number | string;
}

export async function insertCounts(knex: Knex, snapshotId: number, counts: StoredSnapshotCounts): Promise<void> {
  const rows = Object.entries(counts).flatMap(([userId, user]) =>
    (['esme', 'gsme'] as const).map((fuel) => ({
      snapshot_id: snapshotId,
      user_id: userId,
      fuel: COLUMN_FUEL[fuel],
      in_scope: user[fuel].inScope,
      completed: user[fuel].completed,
      invalid: user[fuel].invalid,
      new_missing: user[fuel].newMissing,
    })),
  );
  for (let i = 0; i < rows.length; i += BATCH) await knex('snapshot_counts').insert(rows.slice(i, i + BATCH));
}

function zero(): StoredFuelCounts {
  return { inScope: 0, completed: 0, invalid: 0, newMissing: 0 };
}

/** Adds a row to the counts it belongs to; a fuel the import never writes is damage, not to be hidden. */
function place(into: StoredSnapshotCounts, row: CountRow): void {
  const fuel = FUEL_OF_COLUMN[row.fuel];
  if (!fuel) throw new Error(`snapshot_counts has a row of unknown fuel ${JSON.stringify(row.fuel)} (snapshot ${row.snapshot_id}, User ${row.user_id})`);
  // bigint columns may come back as strings from a driver; the values are small whole numbers.
  const user = (into[row.user_id] ??= { esme: zero(), gsme: zero() });
  user[fuel] = { inScope: Number(row.in_scope), completed: Number(row.completed), invalid: Number(row.invalid), newMissing: Number(row.new_missing) };
}

/** One snapshot's counts with each User's name and whether the register names it, in User ID order. */
export async function readCounts(
  knex: Knex,
  snapshotId: number,
): Promise<Array<{ userId: string; name: string; registered: boolean; counts: StoredUserCounts }>> {
  const rows = (await knex('snapshot_counts as c')
    .join('dcc_users as u', 'u.user_id', 'c.user_id')
    .where('c.snapshot_id', snapshotId)
    .select('c.*', 'u.name', 'u.registered')
    .orderBy([{ column: 'c.user_id' }, { column: 'c.fuel' }])) as Array<CountRow & { name: string; registered: number | boolean }>;
  const counts: StoredSnapshotCounts = {};
  const users = new Map<string, { name: string; registered: boolean }>();
  for (const row of rows) {
    place(counts, row);
    users.set(row.user_id, { name: String(row.name), registered: Boolean(row.registered) });
  }
  return [...users].map(([userId, user]) => ({ userId, ...user, counts: counts[userId]! }));
}

/** The counts of every snapshot with as-of date on or before `date`, in one query, by snapshot id. */
export async function readCountsUpTo(knex: Knex, date: string): Promise<Map<number, StoredSnapshotCounts>> {
  const rows: CountRow[] = await knex('snapshot_counts as c')
    .join('snapshots as s', 's.id', 'c.snapshot_id')
    .where('s.as_of', '<=', date)
    .select<CountRow[]>('c.snapshot_id', 'c.user_id', 'c.fuel', 'c.in_scope', 'c.completed', 'c.invalid', 'c.new_missing');
  const bySnapshot = new Map<number, StoredSnapshotCounts>();
  for (const row of rows) {
    const id = Number(row.snapshot_id);
    let counts = bySnapshot.get(id);
    if (!counts) bySnapshot.set(id, (counts = {}));
    place(counts, row);
  }
  return bySnapshot;
}

/** One snapshot's counts as stored, by User ID (no names). */
export async function readSnapshotCounts(knex: Knex, snapshotId: number): Promise<StoredSnapshotCounts> {
  const rows: CountRow[] = await knex('snapshot_counts').where({ snapshot_id: snapshotId }).select<CountRow[]>('*');
  const counts: StoredSnapshotCounts = {};
  for (const row of rows) place(counts, row);
  return counts;
}

/** Replaces one snapshot's counts (a recount), in the caller's transaction. */
export async function replaceCounts(knex: Knex, snapshotId: number, counts: StoredSnapshotCounts): Promise<void> {
  await knex('snapshot_counts').where({ snapshot_id: snapshotId }).delete();
  await insertCounts(knex, snapshotId, counts);
}
