// `backfill snapshot import` as an operator or a script runs it (SPEC §6.3): the JSON object
// exactly, exit codes, the summary in words, and a progress line only on a terminal. The real bin
// where a process is the point (exit codes on SQLite, the terminal); otherwise in-process (runCli).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { realBinOnSqlite, runCliInProcess } from '../helpers/cli-in-process.ts';
import { BIN, ROOT, runBackfill } from '../helpers/processes.ts';
import { HEADER, row, USER_A } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles } from '../unit/snapshots/ingest-helpers.ts';

const KEYS = ['snapshotId', 'asOf', 'sha256', 'status', 'supersedes', 'rows', 'accepted', 'rejected', 'errors'];

function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const kind of databaseKinds) {
  describe(`backfill snapshot import on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dir: string;
    let env: Record<string, string>;
    const fileAt = (name: string, text: string): string => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    const realBin = realBinOnSqlite(kind);

    before(async () => {
      t = await kind.create();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-cli-'));
      env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
      await runCliInProcess(['settings', 'set', 'max-reject-ratio', '0.5'], { env }).then(async (res) => {
        // The settings command belongs to another area; fall back to the table when it is not there.
        if (res.code !== 0)
          await t.db.knex('settings').insert({ key: 'max-reject-ratio', value: '0.5', updated_at: '2024-01-01 00:00:00.000', updated_by: 'test' });
      });
    });
    after(async () => {
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('prints exactly the SPEC object with --json and exits 0; a duplicate exits 0 too', async () => {
      // Lines 2–3 accepted (one outstanding ESME, one completed GSME), line 4 rejected for its date.
      const file = fileAt(
        'smi-20240131.csv',
        [HEADER, row(1), row(2, { device_type: 'GSME', map_id: 'UFLM' }), row(3, { prenotified_date: '2024-13-01' }), ''].join('\n'),
      );
      // The real bin on SQLite: it exits once the import has committed.
      const res = await realBin(['snapshot', 'import', file, '--json'], { env });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stderr, '');
      assert.ok(!res.stdout.includes('\r'), 'no progress line when stdout is not a terminal');
      const out = JSON.parse(res.stdout);
      assert.deepEqual(Object.keys(out), KEYS);
      const snapshot = await t.db.knex('snapshots').first();
      assert.deepEqual(out, {
        snapshotId: Number(snapshot.id),
        asOf: '2024-01-31',
        sha256: snapshot.sha256,
        status: 'imported',
        supersedes: null,
        rows: 3,
        accepted: 2,
        rejected: 1,
        errors: [{ line: 4, reason: 'prenotified_date "2024-13-01" is not a real date in the form YYYY-MM-DD' }],
      });
      // The command does not wait for the archive copy to be compressed: that is the archive job's
      // (snapshots-archive-job.test.ts), so the copy is still the raw one.
      assert.deepEqual(
        archiveFiles(env.DATA_DIR!).map((f) => f.file),
        [`${snapshot.sha256.slice(0, 2)}/${snapshot.sha256}.csv`],
      );
      const audit = await t.db.knex('audit_log').where({ action: 'snapshot.import' }).first();
      assert.match(audit.actor, /^cli:/);

      const again = await runCliInProcess(['snapshot', 'import', file, '--json', '--as-of', '2024-02-01'], { env });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout), { ...out, status: 'duplicate' });
    });

    it('imports a gzip file, its text scanned on a worker thread started from the build', async () => {
      // The scanning worker is dist/…/scan-worker.js: were it missing or not plain JavaScript, the
      // worker would fail and the import with it.
      const file = path.join(dir, 'smi-20240315.csv.gz');
      writeFileSync(file, gzipSync([HEADER, row(11), row(12, { map_id: 'UFLM' }), row(13, { prenotified_date: '2024-13-01' }), ''].join('\n')));
      const res = await runBackfill(['snapshot', 'import', file, '--json'], { env });
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout);
      assert.deepEqual(
        { status: out.status, asOf: out.asOf, rows: out.rows, accepted: out.accepted, errors: out.errors },
        {
          status: 'imported',
          asOf: '2024-03-15',
          rows: 3,
          accepted: 2,
          errors: [{ line: 4, reason: 'prenotified_date "2024-13-01" is not a real date in the form YYYY-MM-DD' }],
        },
      );
    });

    it('names the snapshot it supersedes', async () => {
      const first = await t.db.knex('snapshots').first();
      const file = fileAt('smi-2024-01-31-v2.csv', [HEADER, row(1, { map_id: 'UFLM' }), ''].join('\n'));
      const res = await runCliInProcess(['snapshot', 'import', file, '--json'], { env });
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout);
      assert.equal(out.supersedes, Number(first.id));
      assert.equal(out.asOf, '2024-01-31');
    });

    it('exits 1 with status failed and the reason when the file is refused', async () => {
      const file = fileAt('broken-20240201.csv', `${HEADER}\n${row(1)}\n${row(2, { map_id: '"open' })}\n`);
      const res = await realBin(['snapshot', 'import', file, '--json'], { env });
      assert.equal(res.code, 1);
      const out = JSON.parse(res.stdout);
      assert.deepEqual(Object.keys(out), KEYS);
      assert.equal(out.status, 'failed');
      assert.equal(out.snapshotId, null);
      assert.deepEqual(out.errors, [{ line: 3, reason: 'Broken quoting: the quoted field opened on this line is never closed (the file ends inside it)' }]);
    });

    it('refuses without an as-of date, and for a file that is not there, with exit 1', async () => {
      const undated = fileAt('inventory.csv', `${HEADER}\n${row(1)}\n`);
      const res = await runCliInProcess(['snapshot', 'import', undated, '--json'], { env });
      assert.equal(res.code, 1);
      assert.match(JSON.parse(res.stdout).errors[0].reason, /^No as-of date: give one with the file \(YYYY-MM-DD: --as-of on the command line/);
      const missing = await runCliInProcess(['snapshot', 'import', path.join(dir, 'nope-20240101.csv'), '--json'], { env });
      assert.equal(missing.code, 1);
      assert.deepEqual(JSON.parse(missing.stdout).errors, [
        { line: null, reason: `Cannot import nope-20240101.csv: there is no file "${path.join(dir, 'nope-20240101.csv')}"` },
      ]);
    });

    it('says what happened in words without --json', async () => {
      const file = fileAt('words.csv', [HEADER, row(11), row(12, { responsible_user_id: USER_A, map_id: 'AB-1' }), ''].join('\n'));
      const res = await runCliInProcess(['snapshot', 'import', file, '--as-of', '2024-03-01'], { env });
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /^Imported snapshot \d+ as of 2024-03-01: 2 rows, 2 accepted, 0 rejected\.\nSHA-256 [0-9a-f]{64}\n$/);
      const refused = await runCliInProcess(['snapshot', 'import', file, '--as-of', '2024-02-30'], { env });
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, '');
      assert.equal(refused.stderr, 'Refused: nothing was imported.\n  The as-of date "2024-02-30" is not a real date written YYYY-MM-DD\n');
    });

    it('shows a progress line (rows, MB, rate) on a terminal, and clears it', { skip: hasScript() ? false : 'needs script(1) for a terminal' }, () => {
      const file = fileAt('tty.csv', [HEADER, ...Array.from({ length: 5000 }, (_, i) => row(100_000 + i)), ''].join('\n'));
      const command = `'${process.execPath}' '${BIN}' snapshot import '${file}' --as-of 2024-04-01`;
      const res = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
      assert.equal(res.status, 0, res.stdout + res.stderr);
      const clearToEnd = `${String.fromCharCode(27)}[K`;
      assert.match(res.stdout, /\r5,000 rows, 0\.4 MB of 0\.4 MB \(100 %\), [\d.]+ MB\/s, [\d,]+ rows\/s/);
      assert.ok(res.stdout.includes(`rows/s${clearToEnd}`), 'the line clears what an earlier one left');
      assert.ok(res.stdout.includes(`\r${clearToEnd}Imported snapshot`), 'and is cleared before the summary');
      assert.match(res.stdout, /Imported snapshot \d+ as of 2024-04-01: 5,000 rows/);
      assert.ok(existsSync(env.DATA_DIR!));
    });
  });
}
