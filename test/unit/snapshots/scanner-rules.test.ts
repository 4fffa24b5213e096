// The row rules of SPEC §3.1 and the counts of §3.2, one case a rule, with hand-worked counts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserCounts } from '../../../server/snapshots/format/user-counts.ts';
import { deviceId, file, row, scanText, user, USER_A, USER_B } from './scan-helpers.ts';
import type { RowFields } from './scan-helpers.ts';

interface Case {
  name: string;
  fields: Partial<RowFields>;
  /** USER_A's counts when the row is accepted (USER_A has no counts at all when undefined). */
  counts?: UserCounts;
  /** A pattern the rejection reason must match when the row is rejected. */
  rejected?: RegExp;
}

const ESME_OUTSTANDING = user({ inScope: 1 });
const GSME_OUTSTANDING = user({}, { inScope: 1 });
const NOTHING = user();

const cases: Case[] = [
  // device_id
  { name: 'dashed upper-case device_id', fields: { device_id: '00-1B-C5-0C-00-00-12-34' }, counts: ESME_OUTSTANDING },
  { name: 'bare device_id', fields: { device_id: '001BC50C00001234' }, counts: ESME_OUTSTANDING },
  { name: 'bare lower-case device_id', fields: { device_id: '001bc50c00001234' }, counts: ESME_OUTSTANDING },
  { name: 'colon device_id', fields: { device_id: '00:1B:C5:0C:00:00:12:34' }, counts: ESME_OUTSTANDING },
  { name: 'mixed-case device_id', fields: { device_id: '00-1b-C5-0c-00-00-12-34' }, counts: ESME_OUTSTANDING },
  { name: 'device_id with surrounding spaces', fields: { device_id: ' 001BC50C00001234  ' }, counts: ESME_OUTSTANDING },
  { name: 'short device_id', fields: { device_id: '00-1B-C5-0C-00-00' }, rejected: /^device_id "00-1B-C5-0C-00-00" is not an EUI-64/ },
  { name: '15-digit device_id', fields: { device_id: '001BC50C0000123' }, rejected: /^device_id "001BC50C0000123" is not an EUI-64/ },
  { name: '17-digit device_id', fields: { device_id: '001BC50C000012345' }, rejected: /^device_id "001BC50C000012345" is not/ },
  { name: 'non-hex device_id', fields: { device_id: '001BC50C0000123X' }, rejected: /^device_id "001BC50C0000123X" is not/ },
  { name: 'mixed separators', fields: { device_id: '00-1B:C5-0C-00-00-12-34' }, rejected: /^device_id "00-1B:C5-0C-00-00-12-34" is not/ },
  { name: 'dot separators', fields: { device_id: '00.1B.C5.0C.00.00.12.34' }, rejected: /^device_id "00\.1B\.C5\.0C\.00\.00\.12\.34" is not/ },
  { name: 'empty device_id', fields: { device_id: '' }, rejected: /^device_id is empty$/ },
  { name: 'blank device_id', fields: { device_id: '   ' }, rejected: /^device_id is empty$/ },
  // device_type
  { name: 'ESME', fields: { device_type: 'ESME' }, counts: ESME_OUTSTANDING },
  { name: 'esme in lower case', fields: { device_type: 'esme' }, counts: ESME_OUTSTANDING },
  { name: 'Gsme in mixed case', fields: { device_type: 'Gsme' }, counts: GSME_OUTSTANDING },
  { name: 'device_type with surrounding spaces', fields: { device_type: ' GSME ' }, counts: GSME_OUTSTANDING },
  { name: 'CHF is out of scope', fields: { device_type: 'CHF' }, counts: NOTHING },
  { name: 'GPF is out of scope', fields: { device_type: 'GPF' }, counts: NOTHING },
  { name: 'PPMID is out of scope', fields: { device_type: 'PPMID' }, counts: NOTHING },
  { name: 'IHD is out of scope', fields: { device_type: 'IHD' }, counts: NOTHING },
  { name: 'HCALCS is out of scope', fields: { device_type: 'HCALCS' }, counts: NOTHING },
  { name: 'CAD is out of scope', fields: { device_type: 'CAD' }, counts: NOTHING },
  { name: 'an unknown type is out of scope', fields: { device_type: 'ESME2' }, counts: NOTHING },
  { name: 'empty device_type', fields: { device_type: '' }, rejected: /^device_type is empty$/ },
  { name: 'blank device_type', fields: { device_type: '  ' }, rejected: /^device_type is empty$/ },
  // device_status
  { name: 'Commissioned', fields: { device_status: 'Commissioned' }, counts: ESME_OUTSTANDING },
  { name: 'commissioned in lower case', fields: { device_status: 'commissioned' }, counts: ESME_OUTSTANDING },
  { name: 'InstalledNotCommissioned', fields: { device_status: 'InstalledNotCommissioned' }, counts: ESME_OUTSTANDING },
  { name: 'Installed Not Commissioned', fields: { device_status: 'Installed Not Commissioned' }, counts: ESME_OUTSTANDING },
  { name: 'Pending', fields: { device_status: 'Pending' }, counts: ESME_OUTSTANDING },
  { name: 'Whitelisted', fields: { device_status: 'Whitelisted' }, counts: ESME_OUTSTANDING },
  { name: 'Suspended', fields: { device_status: 'Suspended' }, counts: ESME_OUTSTANDING },
  { name: 'Recovery', fields: { device_status: 'Recovery' }, counts: ESME_OUTSTANDING },
  { name: 'Recovered', fields: { device_status: 'Recovered' }, counts: ESME_OUTSTANDING },
  { name: 'an unknown status is in scope', fields: { device_status: 'Dormant' }, counts: ESME_OUTSTANDING },
  { name: 'Decommissioned is out of scope', fields: { device_status: 'Decommissioned' }, counts: NOTHING },
  { name: 'DECOMMISSIONED', fields: { device_status: 'DECOMMISSIONED' }, counts: NOTHING },
  { name: 'De Commissioned', fields: { device_status: 'De Commissioned' }, counts: NOTHING },
  { name: 'Withdrawn is out of scope', fields: { device_status: 'Withdrawn' }, counts: NOTHING },
  { name: 'With Drawn', fields: { device_status: 'With Drawn' }, counts: NOTHING },
  { name: ' withdrawn ', fields: { device_status: ' withdrawn ' }, counts: NOTHING },
  { name: 'Decommissioned2 is not Decommissioned', fields: { device_status: 'Decommissioned2' }, counts: ESME_OUTSTANDING },
  { name: 'empty device_status', fields: { device_status: '' }, rejected: /^device_status is empty$/ },
  { name: 'blank device_status', fields: { device_status: '   ' }, rejected: /^device_status is empty$/ },
  // responsible_user_id
  { name: 'bare responsible_user_id', fields: { responsible_user_id: '90B3D51F3001000A' }, counts: ESME_OUTSTANDING },
  { name: 'colon lower responsible_user_id', fields: { responsible_user_id: '90:b3:d5:1f:30:01:00:0a' }, counts: ESME_OUTSTANDING },
  {
    name: 'invalid responsible_user_id',
    fields: { responsible_user_id: '90-B3-D5-1F-30-01-00' },
    rejected: /^responsible_user_id "90-B3-D5-1F-30-01-00" is not an EUI-64/,
  },
  { name: 'empty responsible_user_id', fields: { responsible_user_id: '' }, rejected: /^responsible_user_id is empty$/ },
  // map_id
  { name: 'valid MAP ID', fields: { map_id: 'UFLM' }, counts: user({ inScope: 1, completed: 1 }) },
  { name: 'lower-case MAP ID', fields: { map_id: 'ufl1' }, counts: user({ inScope: 1, completed: 1 }) },
  { name: 'MAP ID with spaces around', fields: { map_id: '  ufl1 ' }, counts: user({ inScope: 1, completed: 1 }) },
  { name: 'blank MAP ID is not populated', fields: { map_id: '    ' }, counts: ESME_OUTSTANDING },
  { name: 'MAP ID with a hyphen', fields: { map_id: 'AB-1' }, counts: user({ inScope: 1, invalid: 1 }) },
  { name: 'MAP ID too long', fields: { map_id: 'TOOLONG' }, counts: user({ inScope: 1, invalid: 1 }) },
  { name: 'MAP ID too short', fields: { map_id: 'ABC' }, counts: user({ inScope: 1, invalid: 1 }) },
  { name: 'MAP ID with a space inside', fields: { map_id: 'AB C' }, counts: user({ inScope: 1, invalid: 1 }) },
  { name: 'MAP ID with a non-ASCII letter', fields: { map_id: 'ÄBCD' }, counts: user({ inScope: 1, invalid: 1 }) },
  // prenotified_date against the implementation date (2018-06-28)
  { name: 'the day before implementation', fields: { prenotified_date: '2018-06-27' }, counts: ESME_OUTSTANDING },
  { name: 'on the implementation date, no MAP ID', fields: { prenotified_date: '2018-06-28' }, counts: user({ newMissing: 1 }) },
  { name: 'after, invalid MAP ID', fields: { prenotified_date: '2019-01-01', map_id: 'AB-1' }, counts: user({ newMissing: 1 }) },
  { name: 'after, valid MAP ID counts nowhere', fields: { prenotified_date: '2018-06-28', map_id: 'MAP1' }, counts: NOTHING },
  { name: 'after, GSME without MAP ID', fields: { prenotified_date: '2018-07-01', device_type: 'GSME' }, counts: user({}, { newMissing: 1 }) },
  { name: 'after, but decommissioned', fields: { prenotified_date: '2018-07-01', device_status: 'Decommissioned' }, counts: NOTHING },
  { name: 'after, but a CHF', fields: { prenotified_date: '2018-07-01', device_type: 'CHF' }, counts: NOTHING },
  { name: 'a leap day', fields: { prenotified_date: '2016-02-29' }, counts: ESME_OUTSTANDING },
  { name: 'date with spaces around', fields: { prenotified_date: ' 2016-02-29 ' }, counts: ESME_OUTSTANDING },
  { name: 'not a leap year', fields: { prenotified_date: '2017-02-29' }, rejected: /^prenotified_date "2017-02-29" is not a real date/ },
  { name: '30 February', fields: { prenotified_date: '2018-02-30' }, rejected: /^prenotified_date "2018-02-30" is not a real date/ },
  { name: '31 April', fields: { prenotified_date: '2018-04-31' }, rejected: /^prenotified_date "2018-04-31"/ },
  { name: 'month 13', fields: { prenotified_date: '2018-13-01' }, rejected: /^prenotified_date "2018-13-01"/ },
  { name: 'unpadded date', fields: { prenotified_date: '2018-6-1' }, rejected: /^prenotified_date "2018-6-1"/ },
  { name: 'date without dashes', fields: { prenotified_date: '20180601' }, rejected: /^prenotified_date "20180601"/ },
  { name: 'UK-style date', fields: { prenotified_date: '01/06/2018' }, rejected: /^prenotified_date "01\/06\/2018"/ },
  { name: 'empty date', fields: { prenotified_date: '' }, rejected: /^prenotified_date is empty$/ },
  // Rules apply to every row, in scope or not.
  { name: 'a CHF with a bad date is rejected', fields: { device_type: 'CHF', prenotified_date: '2018-02-30' }, rejected: /^prenotified_date/ },
  { name: 'a withdrawn meter with a bad id is rejected', fields: { device_status: 'Withdrawn', device_id: 'x' }, rejected: /^device_id "x"/ },
  {
    name: 'every problem of a row is named',
    fields: { device_id: 'x', device_type: '', responsible_user_id: 'y', prenotified_date: 'z' },
    rejected: /^device_id "x" is not an EUI-64 .*; device_type is empty; responsible_user_id "y" is not .*; prenotified_date "z" is not /,
  },
];

describe('row rules (SPEC §3.1) and counts (§3.2)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = scanText(file(row(1, c.fields)));
      assert.equal(result.fatal, null);
      assert.equal(result.rows, 1);
      if (c.rejected !== undefined) {
        assert.equal(result.rejected, 1);
        assert.equal(result.accepted, 0);
        assert.equal(result.rejections.length, 1);
        assert.equal(result.rejections[0]!.line, 2);
        assert.match(result.rejections[0]!.reason, c.rejected);
        assert.deepEqual(result.counts, {});
      } else {
        assert.deepEqual(result.rejections, []);
        assert.equal(result.accepted, 1);
        assert.deepEqual(result.counts, { [USER_A]: c.counts });
      }
    });
  }

  it('validates against the MAP register when one is given', () => {
    const text = file(
      row(1, { map_id: 'UFLM' }),
      row(2, { map_id: 'uflm' }),
      row(3, { map_id: 'MAP1' }),
      row(4, { map_id: 'TOOLONG' }),
      row(5, { map_id: '' }),
      row(6, { map_id: 'MAP1', prenotified_date: '2019-01-01' }),
      row(7, { map_id: 'UFLM', prenotified_date: '2019-01-01' }),
    );
    const result = scanText(text, { mapRegister: new Set(['UFLM', ' calm ', 'not-a-map-id']) });
    // UFLM and uflm are registered; MAP1 is well-formed but unknown, so invalid, as is TOOLONG.
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 5, completed: 2, invalid: 2, newMissing: 1 }) });
  });

  it('counts against the implementation date given', () => {
    const text = file(row(1, { prenotified_date: '2016-12-31' }), row(2, { prenotified_date: '2017-01-01' }));
    assert.deepEqual(scanText(text, { implementationDate: '2017-01-01' }).counts, { [USER_A]: user({ inScope: 1, newMissing: 1 }) });
  });

  it('refuses an implementation date that is not a date', () => {
    assert.throws(() => scanText(file(row(1)), { implementationDate: '2018-02-30' }), /implementationDate "2018-02-30"/);
  });

  it('adds up per User and fuel, merging the spellings of a User ID', () => {
    const text = file(
      row(1, { map_id: 'UFLM' }),
      row(2, { map_id: 'AB-1' }),
      row(3),
      row(4, { device_type: 'GSME' }),
      row(5, { device_type: 'GSME', map_id: 'Z9Z9' }),
      row(6, { device_type: 'gsme', prenotified_date: '2018-08-01' }),
      row(7, { responsible_user_id: '90b3d51f3001000b', map_id: 'UFLM' }),
      row(8, { responsible_user_id: '90:B3:D5:1F:30:01:00:0B', device_status: 'Withdrawn' }),
      row(9, { responsible_user_id: USER_B, device_type: 'IHD' }),
      row(10, { responsible_user_id: USER_B, prenotified_date: '2018-06-28', map_id: 'x' }),
    );
    const result = scanText(text);
    assert.deepEqual(result.counts, {
      [USER_A]: user({ inScope: 3, completed: 1, invalid: 1 }, { inScope: 2, completed: 1, newMissing: 1 }),
      [USER_B]: user({ inScope: 1, completed: 1, newMissing: 1 }),
    });
    assert.equal(result.accepted, 10);
  });

  it('lists a User seen only on out-of-scope rows, with zero counts', () => {
    const result = scanText(file(row(1, { device_type: 'CHF', responsible_user_id: USER_B }), row(2)));
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 1 }), [USER_B]: user() });
  });

  it('rejects a row with too few or too many fields', () => {
    const result = scanText(file(row(1), 'a,b,c', `${row(2)},extra`, row(3), 'lonely'));
    assert.deepEqual(result.rejections, [
      { line: 3, reason: 'the row has 3 fields, the header 6' },
      { line: 4, reason: 'the row has 7 fields, the header 6' },
      { line: 6, reason: 'the row has 1 field, the header 6' },
    ]);
    assert.equal(result.rows, 5);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2 }) });
  });
});

describe('duplicate device_id', () => {
  it('rejects a later row with the same id in any spelling, naming the first line', () => {
    const result = scanText(file(row(1), row(2), row(3, { device_id: '0000000000000001' }), row(4, { device_id: '00:00:00:00:00:00:00:01', map_id: 'UFLM' })));
    assert.deepEqual(result.rejections, [
      { line: 4, reason: `duplicate device_id ${deviceId(1)}, first at line 2` },
      { line: 5, reason: `duplicate device_id ${deviceId(1)}, first at line 2` },
    ]);
    assert.equal(result.rows, 4);
    assert.equal(result.accepted, 2);
    assert.equal(result.rejected, 2);
    assert.equal(result.devices, 2);
    // Only the first row of the device counts.
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2 }) });
  });

  it('counts the first occurrence even when the later one would count differently', () => {
    const result = scanText(file(row(1, { device_type: 'CHF' }), row(1, { device_type: 'ESME', responsible_user_id: USER_B })));
    assert.deepEqual(result.counts, { [USER_A]: user() });
    assert.equal(result.rejections[0]!.reason, `duplicate device_id ${deviceId(1)}, first at line 2`);
  });

  it('treats an id seen on a row rejected for another field as seen', () => {
    const result = scanText(file(row(1, { prenotified_date: 'soon' }), row(1)));
    assert.deepEqual(
      result.rejections.map((r) => r.line),
      [2, 3],
    );
    assert.match(result.rejections[0]!.reason, /^prenotified_date "soon"/);
    assert.equal(result.rejections[1]!.reason, `duplicate device_id ${deviceId(1)}, first at line 2`);
    assert.deepEqual(result.counts, {});
  });

  it('keeps rejections in file order and only the first maxRejectedKept, counting them all', () => {
    const rows = [row(1), row(2), row(1), row(3, { device_type: '' }), row(2), row(4, { map_id: 'x', prenotified_date: '' }), row(1)];
    const all = scanText(file(...rows));
    assert.deepEqual(
      all.rejections.map((r) => r.line),
      [4, 5, 6, 7, 8],
    );
    assert.equal(all.rejected, 5);
    const some = scanText(file(...rows), { maxRejectedKept: 3 });
    assert.deepEqual(
      some.rejections.map((r) => r.line),
      [4, 5, 6],
    );
    assert.equal(some.rejected, 5);
    assert.deepEqual(some.counts, all.counts);
    assert.equal(scanText(file(...rows), { maxRejectedKept: 0 }).rejections.length, 0);
  });

  it('does not list a User seen only on a duplicate row', () => {
    const result = scanText(file(row(1), row(1, { responsible_user_id: USER_B })));
    assert.deepEqual(Object.keys(result.counts), [USER_A]);
  });

  it('finds duplicates among many devices', () => {
    const rows: string[] = [];
    for (let n = 0; n < 20_000; n++) rows.push(row(n));
    for (let n = 0; n < 20_000; n += 1000) rows.push(row(n));
    const result = scanText(file(...rows));
    assert.equal(result.rejected, 20);
    assert.equal(result.rejections[0]!.line, 20_002);
    assert.equal(result.rejections[0]!.reason, `duplicate device_id ${deviceId(0)}, first at line 2`);
    assert.equal(result.rejections[19]!.reason, `duplicate device_id ${deviceId(19_000)}, first at line 19002`);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 20_000 }) });
  });
});
