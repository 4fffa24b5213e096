// Holds the scanner to independent readings: csv-parse splits a generated messy file into the very
// records it was written from, a plain reference implementation of the rules judges them, and the
// scanner must agree; and the same bytes cut into chunks of any size must give the same result.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { ScanResult } from '../../../server/snapshots/format/scan-types.ts';
import { messyInventory } from './messy-inventory.ts';
import { referenceScan } from './reference-rules.ts';
import { file, random, row, scanBytes } from './scan-helpers.ts';
import type { Chunking } from './scan-helpers.ts';

describe('agreement with csv-parse and a reference reading of the rules', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`agrees on a generated file (seed ${seed})`, () => {
      const messy = messyInventory({ seed, rows: 3000, bom: seed % 2 === 0 });
      const parsed = parse(messy.bytes, {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n'],
      }) as string[][];
      // csv-parse reads the file into exactly the records it was written from.
      assert.deepEqual(parsed[0], messy.header);
      assert.deepEqual(
        parsed.slice(1),
        messy.records.map((r) => r.fields),
      );

      const expected = referenceScan(messy.header, messy.records, '2018-06-28');
      const result = scanBytes(messy.bytes);
      assert.equal(result.fatal, null);
      assert.equal(result.rows, expected.rows);
      assert.deepEqual(result.counts, expected.counts);
      assert.deepEqual(
        result.rejections.map((r) => r.line),
        expected.rejected.map((r) => r.line),
      );
      result.rejections.forEach((rejection, i) => {
        const sentences = rejection.reason.split('; ').map((s) => s.split(' ')[0]);
        const names = expected.rejected[i]!.names.map((n) => (n === 'fields' ? 'the' : n));
        assert.deepEqual(sentences, names, `line ${rejection.line}: ${rejection.reason}`);
      });
      // The file exercises what it is meant to.
      assert.ok(expected.rejected.some((r) => r.names[0] === 'duplicate'));
      assert.ok(expected.rejected.some((r) => r.names[0] === 'fields'));
      assert.ok(Object.keys(expected.counts).length >= 3);
    });
  }

  it('agrees with a MAP register', () => {
    const messy = messyInventory({ seed: 9, rows: 2000 });
    const register = new Set(['UFLM', 'Z9Z9']);
    const expected = referenceScan(messy.header, messy.records, '2018-06-28', register);
    assert.deepEqual(scanBytes(messy.bytes, { mapRegister: register }).counts, expected.counts);
  });
});

describe('chunk boundaries', () => {
  const chunkings: Array<[string, () => Chunking]> = [
    ['1 byte', () => 1],
    ['2 bytes', () => 2],
    ['3 bytes', () => 3],
    ['7 bytes', () => 7],
    ['64 KiB', () => 65536],
    [
      'random 1–100 bytes',
      () => {
        const next = random(7);
        return () => 1 + Math.floor(next() * 100);
      },
    ],
    [
      'random 1–5000 bytes',
      () => {
        const next = random(8);
        return () => 1 + Math.floor(next() * 5000);
      },
    ],
  ];

  const inputs: Array<[string, Buffer]> = [
    ['a messy file with a BOM, LF and CRLF', messyInventory({ seed: 11, rows: 1500, bom: true }).bytes],
    ['a messy file with lone CR line ends', messyInventory({ seed: 12, rows: 800, lineEnds: ['\r', '\n', '\r\n'] }).bytes],
    ['the shared example', readFileSync(new URL('fixtures/snapshot-rules.csv', import.meta.url))],
    ['a file with an unterminated quote', Buffer.from(`${file(row(1), row(2))}${row(3, { map_id: '"x\r\n' })}\n${row(4)}`)],
    ['a file with a stray quote', Buffer.from(file(row(1), row(2, { device_status: 'Com"missioned' }), row(3)))],
    ['a file with a multi-byte UTF-8 value', Buffer.from(file(row(1, { device_type: 'Ésmé€😀' }), row(2, { device_id: '😀' })))],
  ];

  for (const [name, bytes] of inputs) {
    it(`gives the same result for ${name}, however it is cut`, () => {
      const whole: ScanResult = scanBytes(bytes);
      for (const [cut, chunking] of chunkings) {
        assert.deepStrictEqual(scanBytes(bytes, {}, chunking()), whole, `cut into ${cut}`);
      }
    });
  }

  it('keeps multi-byte characters whole in reasons when a chunk ends inside one', () => {
    const bytes = Buffer.from(file(row(1, { device_id: 'é😀x' })));
    const result = scanBytes(bytes, {}, 1);
    assert.equal(result.rejections[0]!.reason.startsWith('device_id "é😀x" is not'), true);
  });
});
