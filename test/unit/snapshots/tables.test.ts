import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateFinder } from '../../../server/snapshots/format/duplicate-finder.ts';
import { matchHeader } from '../../../server/snapshots/format/header.ts';
import { U64Table } from '../../../server/snapshots/format/u64-table.ts';
import { random } from './scan-helpers.ts';

describe('U64Table', () => {
  it('stores first values and reports them on a repeat, across growth', () => {
    const table = new U64Table();
    const next = random(1);
    const keys: Array<[number, number]> = [];
    for (let i = 0; i < 50_000; i++) keys.push([(next() * 2 ** 32) | 0, (next() * 2 ** 32) | 0]);
    keys.forEach(([hi, lo], i) => assert.equal(table.putIfAbsent(hi, lo, i + 1), 0));
    assert.equal(table.size, keys.length);
    keys.forEach(([hi, lo], i) => assert.equal(table.putIfAbsent(hi, lo, 999_999), i + 1));
    assert.equal(table.size, keys.length);
  });

  it('holds the all-zero key, and keys differing in one half', () => {
    const table = new U64Table();
    assert.equal(table.putIfAbsent(0, 0, 7), 0);
    assert.equal(table.putIfAbsent(0, 1, 8), 0);
    assert.equal(table.putIfAbsent(1, 0, 9), 0);
    assert.equal(table.putIfAbsent(0, 0, 1), 7);
    assert.equal(table.putIfAbsent(-1, -1, 3), 0);
    assert.equal(table.putIfAbsent(0xffffffff, 0xffffffff, 4), 3);
  });

  it('returns values above 2^31 unsigned', () => {
    const table = new U64Table();
    table.putIfAbsent(5, 5, 3_000_000_000);
    assert.equal(table.putIfAbsent(5, 5, 1), 3_000_000_000);
  });

  it('resets for reuse', () => {
    const table = new U64Table(10);
    table.putIfAbsent(1, 2, 3);
    table.reset(100);
    assert.equal(table.size, 0);
    assert.equal(table.putIfAbsent(1, 2, 4), 0);
  });
});

describe('DuplicateFinder', () => {
  it('finds every repeat with the line of the first occurrence', () => {
    const finder = new DuplicateFinder();
    const next = random(2);
    const ids: Array<[number, number]> = [];
    const expected = new Map<number, number>();
    const firstLine = new Map<string, number>();
    for (let line = 2; line < 40_000; line++) {
      let id: [number, number];
      if (ids.length > 0 && next() < 0.05) id = ids[Math.floor(next() * ids.length)]!;
      else {
        id = [(next() * 2 ** 32) | 0, (next() * 2 ** 32) | 0];
        ids.push(id);
      }
      const key = id.join(',');
      const first = firstLine.get(key);
      if (first === undefined) firstLine.set(key, line);
      else expected.set(line, first);
      finder.add(id[0], id[1], line, line * 10);
    }
    const found = new Map<number, number>();
    finder.forEachDuplicate((_hi, _lo, line, code, first) => {
      assert.equal(code, line * 10);
      found.set(line, first);
    });
    assert.deepEqual(new Map([...found].sort(([a], [b]) => a - b)), expected);
    assert.equal(finder.size, 40_000 - 2);
  });
});

describe('header matching', () => {
  it('finds the required columns in any order, any case, ignoring surrounding spaces and extras', () => {
    const match = matchHeader(['notes', ' MAP_ID ', 'Prenotified_Date', 'device_status', 'x', 'DEVICE_ID', 'device_type', 'responsible_user_id'], 1);
    assert.ok(match.ok);
    assert.equal(match.layout.columnCount, 8);
    assert.deepEqual([...match.layout.slots], [-1, 4, 5, 2, -1, 0, 1, 3]);
  });

  it('names a missing column', () => {
    const match = matchHeader(['device_id', 'device_type', 'device_status', 'responsible_user_id', 'prenotified_date'], 1);
    assert.ok(!match.ok);
    assert.match(match.message, /^line 1: the header has no "map_id" column/);
  });

  it('names every missing column', () => {
    const match = matchHeader(['device_id', 'device_type', 'device_status', 'responsible_user_id'], 3);
    assert.ok(!match.ok);
    assert.match(match.message, /^line 3: the header has no "map_id", "prenotified_date" columns/);
  });

  it('says there is no header when no required column is there', () => {
    const match = matchHeader(['00-1B-C5-0C-00-00-00-01', 'ESME', 'Commissioned'], 1);
    assert.ok(!match.ok);
    assert.match(match.message, /^line 1: no header: the first line must name the columns device_id, /);
    assert.match(match.message, /00-1B-C5-0C-00-00-00-01,ESME,Commissioned/);
  });

  it('refuses a required column named twice', () => {
    const match = matchHeader(['device_id', 'device_type', 'device_status', 'responsible_user_id', 'map_id', 'prenotified_date', 'Device_ID', 'device_id'], 1);
    assert.ok(!match.ok);
    assert.match(match.message, /^line 1: the header names "device_id" more than once/);
  });

  it('ignores unknown columns named twice', () => {
    const match = matchHeader(['a', 'a', 'device_id', 'device_type', 'device_status', 'responsible_user_id', 'map_id', 'prenotified_date'], 1);
    assert.ok(match.ok);
  });
});
