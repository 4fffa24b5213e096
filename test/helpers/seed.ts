// Puts programme data straight into the tables (no ingest), for tests of what is built on top:
// Users, snapshots with their per-User counts, the deadline.
import type { Knex } from 'knex';

export interface SeedCounts {
  esme: [inScope: number, completed: number];
  gsme?: [inScope: number, completed: number];
}

export async function seedUsers(knex: Knex, users: Array<{ userId: string; name: string; registered?: boolean }>): Promise<void> {
  const at = '2026-01-01 00:00:00.000';
  await knex('dcc_users').insert(users.map((u) => ({ user_id: u.userId, name: u.name, registered: u.registered ?? true, created_at: at, updated_at: at })));
}

/** A snapshot as the ingest would leave it; returns its id. */
export async function seedSnapshot(
  knex: Knex,
  asOf: string,
  counts: Record<string, SeedCounts>,
  extra: { fileName?: string; sha256?: string; rows?: number; rejected?: number } = {},
): Promise<number> {
  const rows = extra.rows ?? 1000;
  const rejected = extra.rejected ?? 0;
  const [id] = await knex('snapshots').insert({
    as_of: asOf,
    sha256: extra.sha256 ?? `${asOf.replace(/-/g, '')}`.padEnd(64, 'e'),
    file_name: extra.fileName ?? `smi-${asOf}.csv`,
    byte_size: rows * 80,
    gzip: false,
    archive_path: `archive/${asOf}.csv.gz`,
    rows,
    accepted: rows - rejected,
    rejected,
    source: 'cli',
    uploaded_by: 'seed',
    imported_at: `${asOf} 12:00:00.000`,
  });
  const rowsOut = Object.entries(counts).flatMap(([userId, c]) =>
    (['ESME', 'GSME'] as const).map((fuel) => {
      const [inScope, completed] = (fuel === 'ESME' ? c.esme : c.gsme) ?? [0, 0];
      return { snapshot_id: Number(id), user_id: userId, fuel, in_scope: inScope, completed, invalid: 0, new_missing: 0 };
    }),
  );
  await knex('snapshot_counts').insert(rowsOut);
  return Number(id);
}

export async function seedDeadline(knex: Knex, deadline: string, reason = 'Set by the Panel'): Promise<void> {
  await knex('deadlines').insert({ deadline, decided_on: '2026-01-15', reason, recorded_by: 'seed', recorded_at: '2026-01-15 10:00:00.000' });
}
