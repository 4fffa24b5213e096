// Duplicates, supersession and the archive: the same bytes are never imported twice, a new file for
// an as-of date replaces the older (which stays in history), every imported file is kept
// compressed under its SHA-256, and stopped imports and compressions are recovered.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import { toDbInstant } from '../../db/instant.ts';
import type { Knex } from 'knex';
import { listUncompressedSnapshots } from '../../db/queries/snapshots.ts';
import { archiveWorkDone, compressArchive } from '../../server/snapshots/ingest/archive.ts';
import { failStaleImports } from '../../server/snapshots/ingest/stale-imports.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { HEADER, row, USER_A, USER_B } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles, ingestBytes, setSetting, storedCounts, tempDataDir } from '../unit/snapshots/ingest-helpers.ts';

/** What the archive job does for copies a stopped process left raw, all at once: compresses each; returns how many there were. */
async function compressPendingArchives(knex: Knex, dataDir: string): Promise<number> {
  const pending = await listUncompressedSnapshots(knex);
  for (const snapshot of pending) await compressArchive(knex, dataDir, snapshot);
  return pending.length;
}

const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

// A: two of USER_A's ESMEs outstanding, one row rejected (line 4). B: the next day's file for the
// same date, one now completed. C: a third version with a new User.
const FILE_A = [HEADER, row(1), row(2), row(3, { prenotified_date: 'soon' }), ''].join('\n');
const FILE_B = [HEADER, row(1, { map_id: 'UFLM' }), row(2), ''].join('\n');
const FILE_C = [HEADER, row(1, { map_id: 'UFLM' }), row(2, { map_id: 'UFLM' }), row(3, { responsible_user_id: USER_B }), ''].join('\n');

for (const kind of databaseKinds) {
  describe(`duplicates, supersession and the archive on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let data: ReturnType<typeof tempDataDir>;

    before(async () => {
      t = await kind.create();
      await setSetting(t.db.knex, 'max-reject-ratio', '0.5');
    });
    after(async () => {
      await t?.drop();
      await data?.remove();
    });
    beforeEach(async () => {
      await data?.remove();
      data = tempDataDir();
      await t.db.knex('snapshots').update({ superseded_by: null });
      for (const table of ['snapshot_rejections', 'snapshot_counts', 'snapshot_imports', 'snapshots', 'dcc_users']) await t.db.knex(table).del();
    });

    it('recognises the same bytes and does not import them twice, whatever the date or name given', async () => {
      const first = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-01-31', fileName: 'a.csv' });
      assert.equal(first.status, 'imported');
      const again = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-02-29', fileName: 'other-name-20240229.csv' });
      assert.deepEqual(
        { ...again, importId: 0 },
        {
          importId: 0,
          snapshotId: first.snapshotId,
          asOf: '2024-01-31',
          sha256: sha256(FILE_A),
          status: 'duplicate',
          supersedes: null,
          rows: 3,
          accepted: 2,
          rejected: 1,
          errors: [{ line: 4, reason: 'prenotified_date "soon" is not a real date in the form YYYY-MM-DD' }],
        },
      );
      assert.equal((await t.db.knex('snapshots')).length, 1);
      assert.equal((await t.db.knex('snapshot_counts')).length, 2, 'one User, two fuels, stored once');
      const attempt = await t.db.knex('snapshot_imports').where({ id: again.importId }).first();
      assert.equal(attempt.status, 'duplicate');
      assert.equal(Number(attempt.snapshot_id), first.snapshotId);
    });

    it('supersedes the snapshot of the same as-of date with a different file, keeping it in history', async () => {
      const a = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-01-31' });
      const other = await ingestBytes(t.db.knex, data.dir, FILE_A.replace(row(2), row(7)), { asOf: '2024-02-01' });
      const b = await ingestBytes(t.db.knex, data.dir, FILE_B, { asOf: '2024-01-31' });
      assert.equal(b.status, 'imported');
      assert.equal(b.supersedes, a.snapshotId);
      const c = await ingestBytes(t.db.knex, data.dir, FILE_C, { asOf: '2024-01-31' });
      assert.equal(c.supersedes, b.snapshotId);
      const rows = await t.db.knex('snapshots').orderBy('id').select('id', 'as_of', 'superseded_by');
      assert.deepEqual(
        rows.map((r) => ({ id: Number(r.id), asOf: r.as_of, supersededBy: r.superseded_by === null ? null : Number(r.superseded_by) })),
        [
          { id: a.snapshotId, asOf: '2024-01-31', supersededBy: b.snapshotId },
          { id: other.snapshotId, asOf: '2024-02-01', supersededBy: null },
          { id: b.snapshotId, asOf: '2024-01-31', supersededBy: c.snapshotId },
          { id: c.snapshotId, asOf: '2024-01-31', supersededBy: null },
        ],
      );
      // Every version keeps its own counts.
      assert.deepEqual((await storedCounts(t.db.knex, a.snapshotId!))[USER_A]!.esme, { inScope: 2, completed: 0, invalid: 0, outstanding: 2, newMissing: 0 });
      assert.deepEqual((await storedCounts(t.db.knex, b.snapshotId!))[USER_A]!.esme, { inScope: 2, completed: 1, invalid: 0, outstanding: 1, newMissing: 0 });
      assert.deepEqual(Object.keys(await storedCounts(t.db.knex, c.snapshotId!)), [USER_A, USER_B]);
    });

    it('archives a plain file compressed under its SHA-256, after the import, and a gzip file as it came', async () => {
      const plain = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-01-31' });
      await archiveWorkDone();
      const gzipped = gzipSync(Buffer.from(FILE_B));
      const gz = await ingestBytes(t.db.knex, data.dir, gzipped, { asOf: '2024-02-01' });
      await archiveWorkDone();
      const plainSha = sha256(FILE_A);
      const gzSha = sha256(gzipped);
      assert.equal(plain.sha256, plainSha);
      assert.equal(gz.sha256, gzSha, 'a gzip upload is identified by the bytes sent');
      const plainPath = `${plainSha.slice(0, 2)}/${plainSha}.csv.gz`;
      const gzPath = `${gzSha.slice(0, 2)}/${gzSha}.csv.gz`;
      assert.deepEqual(
        archiveFiles(data.dir)
          .map((f) => f.file)
          .sort(),
        [plainPath, gzPath].sort(),
      );
      assert.equal(gunzipSync(readFileSync(path.join(data.dir, 'archive', plainPath))).toString(), FILE_A);
      assert.deepEqual(readFileSync(path.join(data.dir, 'archive', gzPath)), gzipped);
      const stored = await t.db.knex('snapshots').orderBy('id').select('archive_path', 'gzip', 'byte_size');
      assert.deepEqual(
        stored.map((s) => ({ path: s.archive_path, gzip: Boolean(s.gzip), bytes: Number(s.byte_size) })),
        [
          { path: `archive/${plainPath}`, gzip: false, bytes: Buffer.byteLength(FILE_A) },
          { path: `archive/${gzPath}`, gzip: true, bytes: gzipped.length },
        ],
      );
    });

    it('finishes a compression that a stopped process left undone, at either step', async () => {
      const a = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-01-31' });
      await archiveWorkDone();
      const rel = `archive/${a.sha256!.slice(0, 2)}/${a.sha256}.csv`;
      // Stopped before compressing: only the raw copy, and the database pointing at it.
      rmSync(path.join(data.dir, `${rel}.gz`));
      writeFileSync(path.join(data.dir, rel), FILE_A);
      await t.db.knex('snapshots').where({ id: a.snapshotId }).update({ archive_path: rel });
      assert.equal(await compressPendingArchives(t.db.knex, data.dir), 1);
      assert.deepEqual(
        archiveFiles(data.dir).map((f) => f.file),
        [`${rel.slice('archive/'.length)}.gz`],
      );
      assert.equal((await t.db.knex('snapshots').where({ id: a.snapshotId }).first()).archive_path, `${rel}.gz`);
      // Stopped after the rename, before the database was told: the compressed copy is there and the raw one gone.
      await t.db.knex('snapshots').where({ id: a.snapshotId }).update({ archive_path: rel });
      assert.equal(await compressPendingArchives(t.db.knex, data.dir), 1);
      assert.equal((await t.db.knex('snapshots').where({ id: a.snapshotId }).first()).archive_path, `${rel}.gz`);
      assert.equal(gunzipSync(readFileSync(path.join(data.dir, `${rel}.gz`))).toString(), FILE_A);
    });

    it('leaves a raw copy whose bytes no longer match the import alone, and says so', async () => {
      const a = await ingestBytes(t.db.knex, data.dir, FILE_A, { asOf: '2024-01-31' });
      await archiveWorkDone();
      const rel = `archive/${a.sha256!.slice(0, 2)}/${a.sha256}.csv`;
      rmSync(path.join(data.dir, `${rel}.gz`));
      writeFileSync(path.join(data.dir, rel), FILE_A.replace('2017', '2016'));
      await assert.rejects(
        compressArchive(t.db.knex, data.dir, { id: a.snapshotId!, sha256: a.sha256!, archive_path: rel }),
        new RegExp(`the raw archive copy ${rel} has SHA-256 [0-9a-f]{64}, not ${a.sha256} as imported`),
      );
      assert.ok(existsSync(path.join(data.dir, rel)));
      assert.ok(!existsSync(path.join(data.dir, `${rel}.gz`)));
    });

    it('marks stopped imports failed, and only those, removing their temporary files', async () => {
      const old = toDbInstant(new Date(Date.now() - 10 * 60_000));
      const fresh = toDbInstant();
      const attempt = (instance: string, heartbeat: string): Record<string, unknown> => ({
        status: 'running',
        file_name: 'big.csv',
        source: 'api',
        uploaded_by: 'dcc system',
        instance,
        started_at: heartbeat,
        heartbeat_at: heartbeat,
      });
      const [silent] = await t.db.knex('snapshot_imports').insert(attempt('elsewhere:123', old));
      const [alive] = await t.db.knex('snapshot_imports').insert(attempt('elsewhere:456', fresh));
      // A pid this machine cannot have: the process that ran it is gone, however fresh its heartbeat.
      const [deadHere] = await t.db.knex('snapshot_imports').insert(attempt(`${hostname()}:4194304`, fresh));
      const tmp = path.join(data.dir, 'archive', 'tmp');
      mkdirSync(tmp, { recursive: true });
      for (const id of [silent, alive, deadHere]) writeFileSync(path.join(tmp, `import-${id}.part`), 'partial');

      const failed = await failStaleImports(t.db.knex, { olderThanMs: 60_000, dataDir: data.dir });
      assert.deepEqual(failed.sort(), [Number(silent), Number(deadHere)].sort());
      const rows = await t.db.knex('snapshot_imports').orderBy('id');
      assert.deepEqual(
        rows.map((r) => r.status),
        ['failed', 'running', 'failed'],
      );
      assert.match(
        JSON.parse(rows[0].errors)[0].reason,
        /^the import stopped before it finished: the process running it \(elsewhere:123\) last answered at .*; nothing of the file was stored — send it again$/,
      );
      assert.ok(rows[0].finished_at);
      assert.deepEqual(
        archiveFiles(data.dir).map((f) => f.file),
        [`tmp/import-${alive}.part`],
      );
      assert.deepEqual(await failStaleImports(t.db.knex, { olderThanMs: 60_000, dataDir: data.dir }), [], 'a second run finds nothing');
    });
  });
}
