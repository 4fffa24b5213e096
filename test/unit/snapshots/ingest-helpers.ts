// Helpers for the ingest tests (integration and browser): run the real ingest on a text, read back
// everything a snapshot import can leave behind, and list the archive folder.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { writeStoredSetting } from '../../../db/queries/settings.ts';
import { archiveWorkDone } from '../../../server/snapshots/ingest/archive.ts';
import { ingestSnapshot } from '../../../server/snapshots/ingest/ingest-snapshot.ts';
import type { IngestOutcome, IngestRequest } from '../../../server/snapshots/ingest/ingest-types.ts';

export const TEST_ACTOR = { kind: 'system', name: 'test' } as const;

/** A DATA_DIR for one test; `remove` first lets the archive's background compression finish writing into it. */
export function tempDataDir(): { dir: string; remove(): Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-ingest-'));
  return {
    dir,
    remove: async () => {
      await archiveWorkDone();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the real ingest on bytes held in memory (a stream of one chunk). */
export function ingestBytes(
  knex: Knex,
  dataDir: string,
  bytes: string | Uint8Array,
  options: Partial<Omit<IngestRequest, 'bytes'>> = {},
): Promise<IngestOutcome> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return ingestSnapshot({ knex, dataDir }, { source: 'cli', fileName: 'test.csv', actor: TEST_ACTOR, ...options, bytes: { kind: 'stream', chunks: [data] } });
}

export async function setSetting(knex: Knex, name: string, value: string): Promise<void> {
  await writeStoredSetting(knex, name, value, 'test');
}

/** Row counts of every table a snapshot import writes to (snapshot_imports aside: it records attempts). */
export async function storedRows(knex: Knex): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['snapshots', 'snapshot_counts', 'snapshot_rejections', 'dcc_users']) {
    const row = (await knex(table).count({ n: '*' }).first()) as { n: number | string };
    out[table] = Number(row.n);
  }
  return out;
}

export const NOTHING_STORED = { snapshots: 0, snapshot_counts: 0, snapshot_rejections: 0, dcc_users: 0 };

/** Every file under DATA_DIR/archive, relative to it, with its size. */
export function archiveFiles(dataDir: string): Array<{ file: string; bytes: number }> {
  const root = path.join(dataDir, 'archive');
  let names: string[];
  try {
    names = readdirSync(root, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return names
    .map((name) => path.join(root, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file: path.relative(root, file), bytes: statSync(file).size }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** Counts per (User, fuel) as stored, keyed like the scanner's result. */
export async function storedCounts(knex: Knex, snapshotId: number): Promise<Record<string, Record<string, Record<string, number>>>> {
  const rows = await knex('snapshot_counts').where({ snapshot_id: snapshotId }).orderBy(['user_id', 'fuel']);
  const out: Record<string, Record<string, Record<string, number>>> = {};
  for (const r of rows as Array<Record<string, unknown>>) {
    const inScope = Number(r.in_scope);
    const completed = Number(r.completed);
    (out[String(r.user_id)] ??= {})[String(r.fuel).toLowerCase()] = {
      inScope,
      completed,
      invalid: Number(r.invalid),
      outstanding: inScope - completed,
      newMissing: Number(r.new_missing),
    };
  }
  return out;
}

export async function storedRejections(knex: Knex, snapshotId: number): Promise<Array<{ line: number; reason: string }>> {
  const rows = await knex('snapshot_rejections').where({ snapshot_id: snapshotId }).orderBy('line');
  return (rows as Array<{ line: number | string; reason: string }>).map((r) => ({ line: Number(r.line), reason: r.reason }));
}
