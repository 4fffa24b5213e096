// All-or-nothing (issue 3): an import process killed with SIGKILL half-way through a big file
// leaves nothing anyone could read as a snapshot, and recovery marks the attempt failed, after
// which the same file imports cleanly.
// The next start of the app is what does the recovery: the test starts it and looks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateInventory } from '../../bench/scan/generate-inventory.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer } from '../../server/main.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { BIN, ROOT, waitFor } from '../helpers/processes.ts';
import { archiveFiles, NOTHING_STORED, storedRows } from '../unit/snapshots/ingest-helpers.ts';

const ROWS = 4_000_000;

describe('an import killed mid-way', () => {
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bfm-kill-'));
    file = path.join(dir, 'smi-20240131.csv');
    generateInventory({ rows: ROWS, path: file });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of databaseKinds) {
    describe(`on ${kind.name}`, { skip: kind.skip }, () => {
      let t: TestDatabase;
      let dataDir: string;

      before(async () => {
        t = await kind.create();
        dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-kill-data-'));
      });
      after(async () => {
        await t?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('leaves nothing visible, and recovery marks the attempt failed', async () => {
        const size = statSync(file).size;
        const child = spawn(process.execPath, [BIN, 'snapshot', 'import', file, '--json'], {
          cwd: ROOT,
          env: { ...process.env, DATABASE_URL: t.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = once(child, 'exit');

        // Under way: the attempt has recorded bytes read.
        const attempt = await waitFor(
          async () => {
            const row = await t.db.knex('snapshot_imports').where({ status: 'running' }).first();
            return row && Number(row.bytes_read) > 0 ? row : undefined;
          },
          'the import to start reading',
          60_000,
        );
        child.kill('SIGKILL');
        const [code, signal] = (await exited) as [number | null, string | null];
        assert.equal(signal, 'SIGKILL', `the import ended by itself first (exit ${code}): ${output}`);

        const after = await t.db.knex('snapshot_imports').where({ id: attempt.id }).first();
        assert.equal(after.status, 'running', 'killed before it finished');
        assert.ok(Number(after.bytes_read) < size, `killed part-way (${after.bytes_read} of ${size} bytes read)`);
        assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
        assert.deepEqual(
          archiveFiles(dataDir).filter((f) => !f.file.startsWith('tmp/')),
          [],
          'no archive file but the dead import’s temporary copy',
        );

        // The next start of the app notices the process is gone and marks the attempt failed.
        const config = parseConfig({ DATABASE_URL: t.url, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
        const server = await startServer({ ...config, sessionSecret: 'test-secret-'.padEnd(48, 'x') }, createLogger('silent'));
        await server.close();
        const failed = await t.db.knex('snapshot_imports').where({ id: attempt.id }).first();
        assert.equal(failed.status, 'failed');
        assert.match(JSON.parse(failed.errors)[0].reason, /^the import stopped before it finished: the process running it \(.+:\d+\) last answered at /);
        assert.deepEqual(archiveFiles(dataDir), [], 'its temporary files are gone');
        assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);

        // And the same file then imports in full.
        const again = await runCliInProcess(['snapshot', 'import', file, '--json'], { env: { DATABASE_URL: t.url, DATA_DIR: dataDir } });
        assert.equal(again.code, 0, again.stderr);
        const result = JSON.parse(again.stdout);
        assert.equal(result.status, 'imported');
        assert.equal(result.asOf, '2024-01-31');
        assert.equal(result.rows, ROWS);
      });
    });
  }
});
