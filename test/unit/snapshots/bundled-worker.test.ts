// Worker threads on TypeScript modules, bundled to plain JavaScript: they run without tsx, and a
// bundle is never run from a folder someone else could write to — the import then scans on the
// main thread instead, with the same result.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { startBundledWorker } from '../../../server/snapshots/reading/bundled-worker.ts';
import { readSnapshot } from '../../../server/snapshots/reading/read-snapshot.ts';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import { file, row, scanBytes } from './scan-helpers.ts';

describe('startBundledWorker', () => {
  const realTmp = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-bundle-'));
  after(() => {
    if (realTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = realTmp;
    rmSync(dir, { recursive: true, force: true });
  });
  const folderIn = (root: string): string => path.join(root, `backfill-monitor-workers-${process.getuid!()}`);

  it('runs a TypeScript module and what it imports, from a bundle in a folder of this user alone', async () => {
    const root = path.join(dir, 'own');
    mkdirSync(root);
    process.env.TMPDIR = root;
    const worker = await startBundledWorker(new URL('./fixtures/echo-worker.ts', import.meta.url), { workerData: { hi: 0x90b3d51f, lo: 0x3001000a } });
    const [message] = (await once(worker, 'message')) as [string];
    await worker.terminate();
    assert.equal(message, '90-B3-D5-1F-30-01-00-0A');
    const folder = folderIn(root);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.deepEqual(
      readdirSync(folder).map((name) => name.replace(/-[0-9a-f]{16}\.mjs$/, '-HASH.mjs')),
      ['echo-worker-HASH.mjs'],
      'one bundle, no half-written file left',
    );
  });

  it('will not run a bundle from a folder others can write to; a gzip import then scans on this thread', async () => {
    const root = path.join(dir, 'shared');
    mkdirSync(folderIn(root), { recursive: true });
    chmodSync(folderIn(root), 0o777);
    process.env.TMPDIR = root;
    await assert.rejects(
      startBundledWorker(new URL('../../../server/snapshots/reading/scan-worker.ts', import.meta.url)),
      /is not a folder of this user's alone: cannot start a worker from it/,
    );

    const text = file(...Array.from({ length: 5000 }, (_, i) => row(i + 1, { map_id: i % 4 === 0 ? 'AB12' : '' })), row(7));
    const expected = scanBytes(Buffer.from(text), {});
    const rejected: number[] = [];
    const onRejection = (line: number): void => {
      rejected.push(line);
    };
    const scanner = createScanner({ implementationDate: '2018-06-28', onRejection });
    const result = await readSnapshot(
      { kind: 'stream', chunks: [gzipSync(text)] },
      { scanner, archiveTo: null, workers: { settings: { implementationDate: '2018-06-28', mapRegister: null }, onRejection, spillPath: path.join(dir, 'spill') } },
    );
    assert.equal(result.fatal, null);
    assert.equal(scanner.rows, 5001, 'scanned on this thread');
    assert.deepEqual(result.scan.counts, expected.counts);
    assert.deepEqual(rejected, [5002], 'the repeated device on the last line');
  });
});
