import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { londonToday } from '../../../server/engine/calendar.ts';
import { dateInFileName, resolveAsOf } from '../../../server/snapshots/ingest/as-of-date.ts';

describe('the as-of date of an upload', () => {
  const names: Array<[string, string | null]> = [
    ['smi-20240131.csv', '2024-01-31'],
    ['SMI_2024-02-29_full.csv.gz', '2024-02-29'],
    ['20240131.csv', '2024-01-31'],
    ['inventory 2023-12-31 v2 20240105.csv', '2023-12-31'],
    // Not a real date first, then a real one.
    ['export-20240230-20240301.csv', '2024-03-01'],
    // Digits around the date make it another number, not a date.
    ['batch-120240131.csv', null],
    ['smi-2024013.csv', null],
    // Mixed spellings are neither form.
    ['smi-2024-0131.csv', null],
    ['inventory.csv', null],
    // Only the file's own name counts, not its folder.
    ['/data/20240131/inventory.csv', null],
    ['C:\\drops\\2024-01-31\\smi.csv', null],
  ];
  for (const [name, date] of names) {
    it(`reads ${JSON.stringify(name)} as ${date ?? 'no date'}`, () => assert.equal(dateInFileName(name), date));
  }

  it('takes the date given over the file name, trimmed', () => {
    assert.deepEqual(resolveAsOf(' 2024-03-01 ', 'smi-20240131.csv'), { ok: true, asOf: '2024-03-01', from: 'given' });
    assert.deepEqual(resolveAsOf('', 'smi-20240131.csv'), { ok: true, asOf: '2024-01-31', from: 'file name' });
    assert.deepEqual(resolveAsOf(undefined, 'smi-20240131.csv'), { ok: true, asOf: '2024-01-31', from: 'file name' });
  });

  it('refuses a given date that is not a real one, even with a date in the name', () => {
    assert.deepEqual(resolveAsOf('2024-02-30', 'smi-20240131.csv'), { ok: false, reason: 'the as-of date "2024-02-30" is not a real date written YYYY-MM-DD' });
    assert.deepEqual(resolveAsOf('31/01/2024', 'x.csv'), { ok: false, reason: 'the as-of date "31/01/2024" is not a real date written YYYY-MM-DD' });
  });

  it('refuses a date after today in London, given or in the file name; today itself is fine', () => {
    assert.deepEqual(resolveAsOf('2024-02-01', 'x.csv', '2024-01-31'), {
      ok: false,
      reason:
        'the as-of date 2024-02-01 is after today (2024-01-31 in London): a snapshot can only be of a day that has begun; give the date the extract was taken',
    });
    assert.deepEqual(resolveAsOf('', 'drops/smi-20240201.csv', '2024-01-31'), {
      ok: false,
      reason:
        'the date 2024-02-01 in the file name ("smi-20240201.csv") is after today (2024-01-31 in London), so it cannot be the as-of date; ' +
        "give the as-of date with the file (YYYY-MM-DD: --as-of on the command line, the form's as-of field, the API's asOf parameter)",
    });
    assert.deepEqual(resolveAsOf('2024-01-31', 'smi-20240201.csv', '2024-01-31'), { ok: true, asOf: '2024-01-31', from: 'given' });
    assert.deepEqual(resolveAsOf('', 'smi-20240131.csv', '2024-01-31'), { ok: true, asOf: '2024-01-31', from: 'file name' });
  });

  it('takes today from the London calendar, not the machine’s zone', () => {
    // 23:30 UTC on 31 March 2024 is already 1 April in London (BST); 23:30 UTC in January is not.
    const summer = new Date('2024-03-31T23:30:00Z');
    assert.equal(resolveAsOf('2024-04-01', 'x.csv', londonToday(summer)).ok, true);
    assert.equal(resolveAsOf('2024-01-01', 'x.csv', londonToday(new Date('2023-12-31T23:30:00Z'))).ok, false);
  });

  it('says how to give one when there is none', () => {
    const r = resolveAsOf('', 'uploads/inventory.csv');
    assert.equal(r.ok, false);
    assert.match(
      r.ok ? '' : r.reason,
      /^no as-of date: give one with the file .* or put it in the file name as YYYYMMDD or YYYY-MM-DD \("inventory\.csv" holds no date\)$/,
    );
  });
});
