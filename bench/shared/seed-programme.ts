// A 60-User programme with 18 months of fortnightly snapshot counts, put straight into the tables:
// what the report and web benchmarks measure against. Deterministic, so every run is comparable.
import type { Knex } from 'knex';
import { addDays } from '../../server/engine/calendar.ts';

export const USERS = 60;
export const SNAPSHOTS = 39; // fortnightly over 18 months

/** A deterministic pseudo-random sequence, so every run benchmarks the same programme. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

export async function seedBenchProgramme(knex: Knex): Promise<void> {
  const rnd = random(42);
  const at = '2018-07-01 00:00:00.000';
  const users = Array.from({ length: USERS }, (_, i) => {
    const id = `90-B3-D5-1F-30-01-${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}-${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`;
    // Skewed sizes: a few large suppliers, many small ones.
    const size = Math.round(2_000_000 / (i + 1) ** 1.3) + 500;
    return { id, name: `Supplier ${i + 1} & Co`, size, speed: 0.02 + rnd() * 0.08 };
  });
  await knex('dcc_users').insert(users.map((u) => ({ user_id: u.id, name: u.name, registered: true, created_at: at, updated_at: at })));
  await knex('deadlines').insert({ deadline: '2020-06-30', decided_on: '2018-07-20', reason: 'Panel decision', recorded_by: 'bench', recorded_at: at });
  for (const u of users) {
    await knex('declarations')
      .insert({ user_id: u.id, count: u.size, received_on: '2018-07-04', recorded_by: 'bench', recorded_at: at })
      .catch(() => undefined);
    await knex('allowances').insert({
      user_id: u.id,
      per_day: Math.ceil(u.size / 300),
      effective_from: '2018-07-16',
      confirmed_on: '2018-07-10',
      recorded_by: 'bench',
      recorded_at: at,
    });
  }
  let asOf = '2018-07-02';
  for (let s = 0; s < SNAPSHOTS; s++) {
    const [id] = await knex('snapshots').insert({
      as_of: asOf,
      sha256: String(s).padStart(64, '0'),
      file_name: `smi-${asOf}.csv.gz`,
      byte_size: 1,
      gzip: true,
      archive_path: 'x',
      rows: 9_000_000,
      accepted: 8_999_990,
      rejected: 10,
      source: 'cli',
      uploaded_by: 'bench',
      imported_at: `${asOf} 12:00:00.000`,
    });
    const rows = users.flatMap((u) => {
      const done = Math.min(1, u.speed * s);
      const esme = Math.round(u.size * 0.6);
      const gsme = u.size - esme;
      return [
        { snapshot_id: id, user_id: u.id, fuel: 'ESME', in_scope: esme, completed: Math.round(esme * done), invalid: 0, new_missing: 0 },
        { snapshot_id: id, user_id: u.id, fuel: 'GSME', in_scope: gsme, completed: Math.round(gsme * done), invalid: 0, new_missing: 0 },
      ];
    });
    for (let i = 0; i < rows.length; i += 200) await knex('snapshot_counts').insert(rows.slice(i, i + 200));
    asOf = addDays(asOf, 14);
  }
}
