// The scanner's two hooks for the ingest and the outstanding-devices export: rejected rows handed
// out as they are found, and one User's outstanding devices reported as the file is read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import type { OutstandingDevice } from '../../../server/snapshots/format/scan-types.ts';
import { deviceId, file, row, scanText, USER_A, USER_B } from './scan-helpers.ts';

describe('onRejection', () => {
  it('receives every rejected row (duplicates at the end), and the result keeps none', () => {
    const got: Array<[number, string]> = [];
    const rows = [row(1), row(2, { device_type: '' }), row(1), 'a,b', row(3), row(3)];
    const result = scanText(file(...rows), { onRejection: (line, reason) => got.push([line, reason]), maxRejectedKept: 1 });
    assert.deepEqual(result.rejections, []);
    assert.equal(result.rejected, 4);
    assert.deepEqual(
      got.sort((a, b) => a[0] - b[0]),
      [
        [3, 'device_type is empty'],
        [4, `duplicate device_id ${deviceId(1)}, first at line 2`],
        [5, 'the row has 2 fields, the header 6'],
        [7, `duplicate device_id ${deviceId(3)}, first at line 6`],
      ],
    );
    // The same counts as without the hook.
    assert.deepEqual(result.counts, scanText(file(...rows)).counts);
  });
});

describe('outstandingOf', () => {
  const scanFor = (userId: string, text: string, chunk = Infinity): OutstandingDevice[] => {
    const found: OutstandingDevice[] = [];
    const scanner = createScanner({ implementationDate: '2018-06-28', outstandingOf: { userId, onDevice: (d) => found.push(d) } });
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += Math.min(chunk, bytes.length)) scanner.push(bytes.subarray(at, at + Math.min(chunk, bytes.length)));
    scanner.end();
    return found;
  };

  // Line 2: outstanding (no MAP ID). 3: completed. 4: GSME with an invalid MAP ID, quoted, with
  // spaces. 5: pre-notified on the implementation date (new, not outstanding). 6: withdrawn.
  // 7: another User's. 8: a CHF. 9: a bad date (rejected). 10: the device of line 2 again.
  const text = file(
    row(1),
    row(2, { map_id: 'UFLM' }),
    row(3, { device_type: 'gsme', device_status: ' Installed Not Commissioned ', map_id: '" ab-1 "' }),
    row(4, { prenotified_date: '2018-06-28' }),
    row(5, { device_status: 'Withdrawn' }),
    row(6, { responsible_user_id: USER_B }),
    row(7, { device_type: 'CHF' }),
    row(8, { prenotified_date: '2018-02-30' }),
    row(1, { map_id: 'x' }),
  );

  it('reports the User’s in-scope, pre-implementation devices without a valid MAP ID, as spelled', () => {
    const expected: OutstandingDevice[] = [
      { line: 2, deviceId: deviceId(1), fuel: 'ESME', deviceStatus: 'Commissioned', mapId: '', prenotifiedDate: '2017-01-01' },
      { line: 4, deviceId: deviceId(3), fuel: 'GSME', deviceStatus: 'Installed Not Commissioned', mapId: 'ab-1', prenotifiedDate: '2017-01-01' },
      // A repeated device is reported too: only the end of the file shows it is one (the caller drops the lines rejected).
      { line: 10, deviceId: deviceId(1), fuel: 'ESME', deviceStatus: 'Commissioned', mapId: 'x', prenotifiedDate: '2017-01-01' },
    ];
    assert.deepEqual(scanFor(USER_A, text), expected);
    assert.deepEqual(scanFor('90b3d51f3001000a', text, 7), expected, 'any spelling of the User, any chunking');
  });

  it('refuses a User ID that is not one', () => {
    assert.throws(
      () => createScanner({ implementationDate: '2018-06-28', outstandingOf: { userId: 'nobody', onDevice: () => undefined } }),
      /"nobody" is not an EUI-64/,
    );
  });
});

describe('maxUsers', () => {
  const userId = (n: number): string =>
    `90-B3-D5-1F-30-01-${String(Math.floor(n / 256)).padStart(2, '0')}-${(n % 256).toString(16).toUpperCase().padStart(2, '0')}`;
  // Line 2: User 1; 3: User 2, rejected (no date), so not counted; 4: User 2; 5: User 1 again;
  // 6: User 3; 7: User 4; 8: User 5.
  const text = file(
    row(1, { responsible_user_id: userId(1) }),
    row(2, { responsible_user_id: userId(2), prenotified_date: '' }),
    row(3, { responsible_user_id: userId(2) }),
    row(4, { responsible_user_id: userId(1) }),
    row(5, { responsible_user_id: userId(3) }),
    row(6, { responsible_user_id: userId(4) }),
    row(7, { responsible_user_id: userId(5) }),
  );

  it('refuses the file on the row naming one User more than allowed, and reads no further than the chunk it is in', () => {
    for (const chunk of [1, 7, 64]) {
      const result = scanText(text, { maxUsers: 3 }, chunk);
      assert.deepEqual(result.fatal, {
        line: 7,
        message:
          `line 7: the file names more Users than the max-users setting allows (3): the 4th User, ${userId(4)}, first appears on this line, ` +
          'and the file was read no further; nothing was imported. If that many Users is right, SECAS can raise the max-users setting.',
      });
      assert.ok(result.rows <= 7, `chunks of ${chunk}: ${result.rows} rows read`);
    }
    // 300 rows of three Users, a fourth User, then 3,000 rows more, read in chunks of 16 KiB.
    const long = file(...Array.from({ length: 3301 }, (_, i) => row(i + 1, { responsible_user_id: userId(i === 300 ? 4 : 1 + (i % 3)) })));
    const refused = scanText(long, { maxUsers: 3 }, 16_384);
    assert.equal(refused.fatal?.line, 302);
    assert.ok(refused.rows < 600, `read ${refused.rows} of 3,301 rows`);
  });

  it('accepts exactly as many Users as allowed, and counts only those on rows that pass the field rules', () => {
    const result = scanText(text, { maxUsers: 5 });
    assert.equal(result.fatal, null);
    assert.equal(Object.keys(result.counts).length, 5);
    // A User only on a rejected row never counts towards the limit.
    const rejectedOnly = scanText(file(row(1, { responsible_user_id: userId(1) }), row(2, { responsible_user_id: userId(2), device_type: '' })), {
      maxUsers: 1,
    });
    assert.equal(rejectedOnly.fatal, null);
  });

  it('says 1,001st for the default, and refuses a limit below 1', () => {
    const many = file(...Array.from({ length: 1001 }, (_, i) => row(i + 1, { responsible_user_id: userId(i) })));
    assert.match(
      scanText(many, { maxUsers: 1000 }).fatal?.message ?? '',
      /^line 1002: the file names more Users than the max-users setting allows \(1,000\): the 1,001st User/,
    );
    assert.equal(scanText(many, { maxUsers: 1001 }).fatal, null);
    assert.throws(() => createScanner({ implementationDate: '2018-06-28', maxUsers: 0 }), /maxUsers must be at least 1/);
  });
});
