// A large plain file imported from disk is scanned on two threads (split-scan.ts). What is stored
// must be exactly what one scanner reads from the same bytes — also when the cut between the
// threads falls inside a quoted field, and for duplicates on both sides of it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateInventory } from '../../bench/scan/generate-inventory.ts';
import { ingestSnapshot } from '../../server/snapshots/ingest/ingest-snapshot.ts';
import { readSnapshot } from '../../server/snapshots/reading/read-snapshot.ts';
import { createScanner } from '../../server/snapshots/format/scanner.ts';
import type { ScanResult } from '../../server/snapshots/format/scan-types.ts';
import { FIRST_SHARE } from '../../server/snapshots/reading/split-scan.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { storedCounts, storedRejections, TEST_ACTOR } from '../unit/snapshots/ingest-helpers.ts';

const ROWS = 900_000; // about 71 MB: above the size from which files are split

function oneScanner(bytes: Buffer): { result: ScanResult; rejections: Array<{ line: number; reason: string }> } {
  const rejections: Array<{ line: number; reason: string }> = [];
  const scanner = createScanner({ implementationDate: '2018-06-28', onRejection: (line, reason) => rejections.push({ line, reason }) });
  for (let at = 0; at < bytes.length; at += 1 << 20) scanner.push(bytes.subarray(at, at + (1 << 20)));
  return { result: scanner.end(), rejections: rejections.sort((a, b) => a.line - b.line) };
}

describe('a large file scanned on two threads', () => {
  let dir: string;
  let plain: string;
  let quoted: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bfm-split-'));
    plain = path.join(dir, 'smi-20240131.csv');
    generateInventory({ rows: ROWS, path: plain });
    // The same rows with a notes column whose every value is quoted and holds a line break, and
    // the line break right after the cut placed inside one: the second thread guesses wrong.
    const lines = readFileSync(plain, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const text = [`${lines[0]},notes`, ...lines.slice(1).map((l, i) => `${l},"note ${i}\nsecond line"`)].join('\n') + '\n';
    const cut = Math.floor(Buffer.byteLength(text) * FIRST_SHARE);
    const lineEnd = text.indexOf('\n', cut);
    assert.equal(text[lineEnd - 1] !== '"', true, 'the first line break after the cut is inside quotes');
    quoted = path.join(dir, 'smi-20240229.csv');
    writeFileSync(quoted, text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('splits the plain file between two threads, and scans the other on one after the wrong guess', async () => {
    for (const [file, threads] of [
      [plain, 2],
      [quoted, 1],
    ] as const) {
      const scanner = createScanner({ implementationDate: '2018-06-28', onRejection: () => undefined });
      const read = await readSnapshot(
        { kind: 'file', path: file },
        {
          scanner,
          archiveTo: null,
          workers: { settings: { implementationDate: '2018-06-28', mapRegister: null }, onRejection: () => undefined, spillPath: path.join(dir, 'spill') },
        },
      );
      assert.equal(read.fatal, null);
      assert.equal(read.threads, threads, file);
    }
  });

  it('refuses a file whose two parts together name more Users than allowed, on the line one scanner names', async () => {
    // Every row after the cut gets other Users (the same spelling with 91 for 90: the same length,
    // so the cut stays where it was): 60 Users on each side, 120 in all, and a limit of 100.
    const text = readFileSync(plain, 'utf8');
    const cut = text.indexOf('\n', Math.floor(Buffer.byteLength(text) * FIRST_SHARE)) + 1;
    const after = text
      .slice(cut)
      .split('\n')
      .map((line) => {
        const fields = line.split(',');
        if (fields.length > 3) fields[3] = fields[3]!.replace('90', '91');
        return fields.join(',');
      })
      .join('\n');
    const twoSets = path.join(dir, 'smi-20240331.csv');
    writeFileSync(twoSets, text.slice(0, cut) + after);
    const settings = { implementationDate: '2018-06-28', mapRegister: null, maxUsers: 100 };
    const expected = createScanner({ implementationDate: '2018-06-28', maxUsers: 100, onRejection: () => undefined });
    const bytes = readFileSync(twoSets);
    for (let at = 0; at < bytes.length; at += 1 << 20) expected.push(bytes.subarray(at, at + (1 << 20)));
    const fatal = expected.end().fatal;
    assert.match(fatal?.message ?? '', /the file names more Users than the max-users setting allows \(100\): the 101st User, 91-/);
    assert.ok((fatal?.line ?? 0) > text.slice(0, cut).split('\n').length, 'past the cut');
    const scanner = createScanner({ implementationDate: '2018-06-28', maxUsers: 100, onRejection: () => undefined });
    const read = await readSnapshot(
      { kind: 'file', path: twoSets },
      { scanner, archiveTo: null, workers: { settings, onRejection: () => undefined, spillPath: path.join(dir, 'spill') } },
    );
    assert.deepEqual(read.fatal, fatal);
    assert.equal(read.threads, 1, 'the second thread’s part was not taken in');
  });

  for (const kind of databaseKinds) {
    describe(`on ${kind.name}`, { skip: kind.skip }, () => {
      let t: TestDatabase;
      let dataDir: string;
      before(async () => {
        t = await kind.create();
        dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-split-data-'));
      });
      after(async () => {
        await t?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      for (const which of ['plain', 'quoted'] as const) {
        it(`stores exactly what one scanner reads (${which === 'plain' ? 'the cut between rows' : 'the cut inside a quoted field'})`, async () => {
          const file = which === 'plain' ? plain : quoted;
          const expected = oneScanner(readFileSync(file));
          assert.ok(
            expected.rejections.some((r) => r.reason.startsWith('duplicate')),
            'the file has duplicates',
          );
          const outcome = await ingestSnapshot(
            { knex: t.db.knex, dataDir },
            { source: 'cli', fileName: path.basename(file), actor: TEST_ACTOR, bytes: { kind: 'file', path: file } },
          );
          assert.equal(outcome.status, 'imported', JSON.stringify(outcome.errors.slice(0, 3)));
          assert.equal(outcome.rows, expected.result.rows);
          assert.equal(outcome.accepted, expected.result.accepted);
          assert.equal(outcome.rejected, expected.result.rejected);
          const counts = await storedCounts(t.db.knex, outcome.snapshotId!);
          assert.deepEqual(Object.fromEntries(Object.entries(counts).map(([user, c]) => [user, { esme: c.esme, gsme: c.gsme }])), expected.result.counts);
          assert.deepEqual(await storedRejections(t.db.knex, outcome.snapshotId!), expected.rejections);
        });
      }
    });
  }
});
