import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fitReason, MAX_REASON_CHARACTERS, RejectionStore } from '../../../server/snapshots/reading/rejection-store.ts';
import { random } from './scan-helpers.ts';

describe('RejectionStore', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-rejections-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every row, the first by line in memory and the rest in a spill file it removes', async () => {
    const spill = path.join(dir, 'a.rejections');
    const store = new RejectionStore(spill, 100);
    // 5 000 lines in shuffled order, as duplicates arrive (partition by partition).
    const lines = Array.from({ length: 5000 }, (_, i) => i + 2);
    const next = random(7);
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    for (const line of lines) store.add(line, `reason ${line}`);
    assert.equal(store.count, 5000);
    assert.deepEqual(
      store.first().map((r) => r.line),
      Array.from({ length: 100 }, (_, i) => i + 2),
    );
    assert.ok(existsSync(spill));
    const all: Array<{ line: number; reason: string }> = [];
    for await (const batch of store.batches(700)) {
      assert.ok(batch.length <= 700);
      all.push(...batch);
    }
    assert.deepEqual(
      all.map((r) => r.line).sort((a, b) => a - b),
      Array.from({ length: 5000 }, (_, i) => i + 2),
    );
    assert.ok(all.every((r) => r.reason === `reason ${r.line}`));
    store.dispose();
    assert.ok(!existsSync(spill));
  });

  it('writes no file when everything fits in memory', async () => {
    const spill = path.join(dir, 'b.rejections');
    const store = new RejectionStore(spill, 100);
    for (let line = 50; line > 0; line--) store.add(line, 'x');
    const batches: number[] = [];
    for await (const batch of store.batches(20)) batches.push(batch.length);
    assert.deepEqual(batches, [20, 20, 10]);
    assert.ok(!existsSync(spill));
  });

  it('cuts a reason to the 500 characters the column holds, on a character boundary', () => {
    assert.equal(fitReason('short'), 'short');
    const long = '€'.repeat(600);
    const cut = fitReason(long);
    assert.equal([...cut].length, MAX_REASON_CHARACTERS);
    assert.ok(cut.endsWith('€…'));
    const emoji = `${'a'.repeat(498)}😀😀😀`;
    assert.equal(fitReason(emoji), `${'a'.repeat(498)}😀…`);
  });
});
