// Scanning a file in two parts (as split-scan.ts does on two threads) gives exactly what scanning
// it in one go gives — rows, counts, duplicates across the cut, every rejected row on its line —
// whenever the cut is taken; and a cut inside a quoted field is recognised, so the caller can fall
// back to one scanner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import type { ScanResult } from '../../../server/snapshots/format/scan-types.ts';
import { messyInventory } from './messy-inventory.ts';
import { file, row } from './scan-helpers.ts';

type Rejections = Array<[number, string]>;
const LF = 10;

function sequential(bytes: Buffer): { result: ScanResult; rejections: Rejections } {
  const rejections: Rejections = [];
  const scanner = createScanner({ implementationDate: '2018-06-28', onRejection: (line, reason) => rejections.push([line, reason]) });
  scanner.push(bytes);
  return { result: scanner.end(), rejections: rejections.sort((a, b) => a[0] - b[0]) };
}

/** Cuts after the first line break at or after `at`; null when the cut fell inside quotes. */
function split(bytes: Buffer, at: number, chunk: number): { result: ScanResult; rejections: Rejections } | null {
  const headerEnd = bytes.indexOf(LF) + 1;
  const boundary = bytes.indexOf(LF, at) + 1;
  if (boundary <= headerEnd || boundary >= bytes.length) return null;
  const first: Rejections = [];
  const second: Rejections = [];
  // As in split-scan.ts but for the first scanner, which sniffs nothing here: the file type is not
  // what these tests are about, and a cut within the 4 KiB it would hold could not be absorbed.
  const a = createScanner({ implementationDate: '2018-06-28', sniffFileType: false, onRejection: (line, reason) => first.push([line, reason]) });
  const b = createScanner({ implementationDate: '2018-06-28', sniffFileType: false, onRejection: (line, reason) => second.push([line, reason]) });
  for (let p = 0; p < boundary; p += chunk) a.push(bytes.subarray(p, Math.min(boundary, p + chunk)));
  b.push(bytes.subarray(0, headerEnd));
  for (let p = boundary; p < bytes.length; p += chunk) b.push(bytes.subarray(p, Math.min(bytes.length, p + chunk)));
  const part = b.endPart();
  if (!a.atRowStart || part.fatal !== null) return null;
  const offset = a.line - part.firstLine;
  a.absorb(part);
  for (const [line, reason] of second) first.push([line + offset, reason]);
  return { result: a.end(), rejections: first.sort((x, y) => x[0] - y[0]) };
}

describe('scanning a file in two parts', () => {
  for (const seed of [11, 12, 13]) {
    it(`agrees with one scanner wherever the cut falls (messy file, seed ${seed})`, () => {
      const messy = messyInventory({ seed, rows: 1500, bom: seed === 12 });
      const whole = sequential(messy.bytes);
      let agreed = 0;
      let fellBack = 0;
      for (let k = 1; k < 60; k++) {
        const got = split(messy.bytes, Math.floor((messy.bytes.length * k) / 60), k % 3 === 0 ? 7 : 1 << 16);
        if (got === null) {
          fellBack++;
          continue;
        }
        agreed++;
        assert.deepEqual(got.result, whole.result, `cut ${k}/60`);
        assert.deepEqual(got.rejections, whole.rejections, `cut ${k}/60`);
      }
      // Both outcomes happen on a file with line breaks inside quoted fields.
      assert.ok(agreed > 20, `agreed ${agreed}`);
      assert.ok(fellBack > 0, 'some cuts fell inside quotes');
    });
  }

  it('finds a device repeated across the cut, naming its first line, and merges Users', () => {
    const bytes = Buffer.from(file(row(1), row(2, { responsible_user_id: '90B3D51F3001000B' }), row(3), row(1), row(2, { map_id: 'UFLM' }), row(4)));
    const got = split(bytes, bytes.indexOf(row(3)), 1 << 16)!;
    assert.ok(got);
    const whole = sequential(bytes);
    assert.deepEqual(got.result, whole.result);
    assert.deepEqual(got.rejections, [
      [5, 'duplicate device_id 00-00-00-00-00-00-00-01, first at line 2'],
      [6, 'duplicate device_id 00-00-00-00-00-00-00-02, first at line 3'],
    ]);
  });

  it('absorbs nothing when the parts together name more Users than allowed, so one scanner finds the line', () => {
    const users = ['90B3D51F30010001', '90B3D51F30010002', '90B3D51F30010003', '90B3D51F30010004', '90B3D51F30010005'];
    // Users 1–3 before the cut, 3–5 after it: 3 on each side, 5 in all.
    const rows = [0, 1, 2, 2, 3, 4].map((u, i) => row(i + 1, { responsible_user_id: users[u]! }));
    const bytes = Buffer.from(file(...rows));
    const boundary = bytes.indexOf(rows[3]!);
    const options = { implementationDate: '2018-06-28', maxUsers: 4, sniffFileType: false };
    const a = createScanner(options);
    const b = createScanner(options);
    a.push(bytes.subarray(0, boundary));
    b.push(Buffer.from(file()));
    b.push(bytes.subarray(boundary));
    const part = b.endPart();
    assert.equal(part.fatal, null, 'each part alone is within the limit');
    assert.equal(a.absorb(part), false);
    assert.equal(a.rows, 3, 'nothing was taken in');
    // What split-scan.ts then does: the first scanner reads on by itself, and refuses where one scanner would.
    a.push(bytes.subarray(boundary));
    const whole = createScanner(options);
    whole.push(bytes);
    assert.deepEqual(a.end().fatal, whole.end().fatal);
    assert.match(a.end().fatal?.message ?? '', /^line 7: the file names more Users than the max-users setting allows \(4\): the 5th User/);
    // With room for all five, the part is absorbed.
    const c = createScanner({ ...options, maxUsers: 5 });
    const d = createScanner({ ...options, maxUsers: 5 });
    c.push(bytes.subarray(0, boundary));
    d.push(Buffer.from(file()));
    d.push(bytes.subarray(boundary));
    assert.equal(c.absorb(d.endPart()), true);
    assert.equal(Object.keys(c.end().counts).length, 5);
  });

  it('refuses to absorb where the bytes end inside a quoted field', () => {
    const a = createScanner({ implementationDate: '2018-06-28' });
    a.push(Buffer.from(`${file(row(1))}${row(2, { map_id: '"AB\n' })}`));
    assert.equal(a.atRowStart, false);
    const b = createScanner({ implementationDate: '2018-06-28' });
    b.push(Buffer.from(file(row(3))));
    assert.throws(() => a.absorb(b.endPart()), /absorb\(\) needs the bytes so far to end where a row starts/);
  });
});
