// SPEC §3.1–3.2 through the real ingest into the real databases: each case a small file, what
// must be stored for it worked out by hand (the comment beside each row says how).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { ROOT } from '../helpers/processes.ts';
import { HEADER, row, USER_A, USER_B, deviceId } from '../unit/snapshots/scan-helpers.ts';
import {
  archiveFiles,
  ingestBytes,
  NOTHING_STORED,
  setSetting,
  storedCounts,
  storedRejections,
  storedRows,
  tempDataDir,
} from '../unit/snapshots/ingest-helpers.ts';

const EXAMPLE = readFileSync(path.join(ROOT, 'test/unit/snapshots/fixtures/snapshot-rules.csv'));
const EXPECTED = JSON.parse(readFileSync(path.join(ROOT, 'test/unit/snapshots/fixtures/snapshot-rules.expected.json'), 'utf8')) as {
  rows: number;
  rejected: Array<{ line: number; reason: string }>;
  counts: Record<string, unknown>;
};

type Fuel = Partial<Record<'inScope' | 'completed' | 'invalid' | 'newMissing', number>>;
const counts = (esme: Fuel = {}, gsme: Fuel = {}): Record<string, Record<string, number>> => {
  const full = (f: Fuel): Record<string, number> => {
    const c = { inScope: 0, completed: 0, invalid: 0, newMissing: 0, ...f };
    return { inScope: c.inScope, completed: c.completed, invalid: c.invalid, outstanding: c.inScope - c.completed, newMissing: c.newMissing };
  };
  return { esme: full(esme), gsme: full(gsme) };
};

interface Case {
  name: string;
  bytes: string | Buffer;
  fileName?: string;
  asOf?: string;
  /** max-reject-ratio for this case; the default otherwise. */
  ratio?: string;
  expect: {
    asOf?: string;
    rows: number;
    counts: Record<string, Record<string, Record<string, number>>>;
    rejected?: Array<{ line: number; reason: RegExp }>;
    gzip?: boolean;
  };
}

const BOM = '\uFEFF';
const CRLF_FILE = `${BOM}${HEADER}\r\n${row(1)}\r\n\r\n${row(2, { device_type: 'GSME', map_id: 'UFLM' })}`;

const cases: Case[] = [
  {
    // A BOM, CRLF line ends, a blank line and no final line end: two rows, an outstanding ESME and a completed GSME.
    name: 'BOM, CRLF, a blank line and no trailing line end',
    bytes: CRLF_FILE,
    expect: { rows: 2, counts: { [USER_A]: counts({ inScope: 1 }, { inScope: 1, completed: 1 }) } },
  },
  {
    // The same bytes compressed: recognised by the magic bytes (the name says .csv), the same counts.
    name: 'a gzip file, whatever its name',
    bytes: gzipSync(Buffer.from(CRLF_FILE)),
    fileName: 'plain-looking.csv',
    expect: { rows: 2, gzip: true, counts: { [USER_A]: counts({ inScope: 1 }, { inScope: 1, completed: 1 }) } },
  },
  {
    // Columns in another order, names in other cases with spaces around, two unknown columns.
    // Row 1: ESME, MAP ID " calm " → valid after trim and upper-case → completed.
    // Row 2: GSME pre-notified on the implementation date, no MAP ID → newMissing.
    name: 'columns in any order, names in any case, extra columns ignored',
    bytes:
      ` Prenotified_Date ,MAP_ID,notes,Device_Type,device_status,Responsible_User_ID, DEVICE_ID ,extra\n` +
      `2017-03-01, calm ,first,ESME,Commissioned,${USER_A},${deviceId(1)},x\n` +
      `2018-06-28,,second,GSME,Pending,${USER_A},${deviceId(2)},y\n`,
    expect: { rows: 2, counts: { [USER_A]: counts({ inScope: 1, completed: 1 }, { newMissing: 1 }) } },
  },
  {
    // Line 2: map_id "UF""LM" is UF"LM, five characters → invalid. Lines 3–4: one row whose note
    // holds a line break (an outstanding ESME). Line 5: 2018-13-01 → rejected, named by its line.
    // Line 6: every field quoted, a GSME with a valid MAP ID → completed. 1 rejected of 4 rows.
    name: 'quoted fields with commas, doubled quotes and line breaks; line numbers count physical lines',
    bytes:
      `${HEADER},notes\n` +
      `${row(1, { map_id: '"UF""LM"' })},"a, b"\n` +
      `${row(2)},"two\nlines"\n` +
      `${row(3, { prenotified_date: '2018-13-01' })},x\n` +
      `"${deviceId(4)}","GSME","Commissioned","${USER_A}","Z9Z9","2017-01-01","say ""hi"""\n`,
    ratio: '0.25',
    expect: {
      rows: 4,
      counts: { [USER_A]: counts({ inScope: 2, invalid: 1 }, { inScope: 1, completed: 1 }) },
      rejected: [{ line: 5, reason: /^prenotified_date "2018-13-01" is not a real date/ }],
    },
  },
  {
    // One User in four spellings is one User (3 meters); device 1 again as bare lower case on line 5
    // is a duplicate of line 2 and does not count; device 9 exists once.
    name: 'EUI-64 spellings normalised: Users merge, repeated devices are rejected',
    bytes: [
      HEADER,
      row(1, { responsible_user_id: '90b3d51f3001000a' }),
      row(2, { responsible_user_id: '90:B3:D5:1F:30:01:00:0A' }),
      row(9, { responsible_user_id: '90-b3-d5-1f-30-01-00-0a', device_id: '00:00:00:00:00:00:00:09' }),
      row(1, { device_id: '0000000000000001', map_id: 'UFLM' }),
      '',
    ].join('\n'),
    ratio: '0.25',
    expect: {
      rows: 4,
      counts: { [USER_A]: counts({ inScope: 3 }) },
      rejected: [{ line: 5, reason: new RegExp(`^duplicate device_id ${deviceId(1)}, first at line 2$`) }],
    },
  },
  {
    // In scope: every status but Decommissioned and Withdrawn, compared without case or spaces.
    // Lines 2–4 count (3 in scope); "De Commissioned" and " with drawn " do not; an unknown type does not.
    name: 'device status and type scope',
    bytes: [
      HEADER,
      row(1, { device_status: 'Installed Not Commissioned' }),
      row(2, { device_status: 'SUSPENDED' }),
      row(3, { device_status: 'Whitelisted', device_type: ' gsme ' }),
      row(4, { device_status: 'De Commissioned' }),
      row(5, { device_status: ' with drawn ', device_type: 'GSME' }),
      row(6, { device_type: 'PPMID' }),
      '',
    ].join('\n'),
    expect: { rows: 6, counts: { [USER_A]: counts({ inScope: 2 }, { inScope: 1 }) } },
  },
  {
    // Two Users. A: pre-implementation ESME with MAP ID "AB-1" (invalid) and one with "TOOLONG"
    // (invalid); B: a GSME after implementation with an invalid MAP ID (newMissing) and one with a
    // valid MAP ID (counted nowhere).
    name: 'MAP ID validity and new meters since implementation',
    bytes: [
      HEADER,
      row(1, { map_id: 'AB-1' }),
      row(2, { map_id: 'TOOLONG' }),
      row(3, { responsible_user_id: USER_B, device_type: 'GSME', prenotified_date: '2019-05-01', map_id: 'x1' }),
      row(4, { responsible_user_id: USER_B, device_type: 'GSME', prenotified_date: '2018-06-28', map_id: 'MAP1' }),
      '',
    ].join('\n'),
    expect: {
      rows: 4,
      counts: { [USER_A]: counts({ inScope: 2, invalid: 2 }), [USER_B]: counts({}, { newMissing: 1 }) },
    },
  },
  {
    // As-of date from a YYYYMMDD date in the name (no date given).
    name: 'as-of date from YYYYMMDD in the file name',
    bytes: `${HEADER}\n${row(1)}\n`,
    fileName: 'SMI_inventory_20240131_full.csv',
    asOf: '',
    expect: { asOf: '2024-01-31', rows: 1, counts: { [USER_A]: counts({ inScope: 1 }) } },
  },
  {
    name: 'as-of date from YYYY-MM-DD in the file name',
    bytes: `${HEADER}\n${row(1)}\n`,
    fileName: 'smi-2024-02-29.csv.gz',
    asOf: '',
    expect: { asOf: '2024-02-29', rows: 1, counts: { [USER_A]: counts({ inScope: 1 }) } },
  },
  {
    name: 'the as-of date given wins over the file name',
    bytes: `${HEADER}\n${row(1)}\n`,
    fileName: 'smi-20240131.csv',
    asOf: '2024-03-01',
    expect: { asOf: '2024-03-01', rows: 1, counts: { [USER_A]: counts({ inScope: 1 }) } },
  },
  {
    // 1 rejected of 1000 rows is exactly the default 0.001: accepted.
    name: 'rejected rows exactly at max_reject_ratio are accepted',
    bytes: [HEADER, ...Array.from({ length: 999 }, (_, i) => row(i + 1)), row(5000, { device_type: '' }), ''].join('\n'),
    expect: { rows: 1000, counts: { [USER_A]: counts({ inScope: 999 }) }, rejected: [{ line: 1001, reason: /^device_type is empty$/ }] },
  },
];

for (const kind of databaseKinds) {
  describe(`snapshot rules through the ingest on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let data: ReturnType<typeof tempDataDir>;

    before(async () => {
      t = await kind.create();
    });
    after(async () => t?.drop());
    beforeEach(async () => {
      await data?.remove();
      data = tempDataDir();
      await t.db.knex('snapshots').update({ superseded_by: null });
      for (const table of ['snapshot_rejections', 'snapshot_counts', 'snapshot_imports', 'snapshots', 'dcc_users', 'map_register', 'settings', 'audit_log']) {
        await t.db.knex(table).del();
      }
    });

    it('gives exactly the worked example with max-reject-ratio 0.25', async () => {
      await setSetting(t.db.knex, 'max-reject-ratio', '0.25');
      const outcome = await ingestBytes(t.db.knex, data.dir, EXAMPLE, { asOf: '2024-01-31', fileName: 'snapshot-rules.csv' });
      assert.equal(outcome.status, 'imported', JSON.stringify(outcome.errors));
      assert.equal(outcome.rows, EXPECTED.rows);
      assert.equal(outcome.rejected, EXPECTED.rejected.length);
      assert.equal(outcome.accepted, EXPECTED.rows - EXPECTED.rejected.length);
      assert.deepEqual(await storedCounts(t.db.knex, outcome.snapshotId!), EXPECTED.counts);
      const rejections = await storedRejections(t.db.knex, outcome.snapshotId!);
      assert.deepEqual(
        rejections.map((r) => r.line),
        EXPECTED.rejected.map((r) => r.line),
      );
      EXPECTED.rejected.forEach((expected, i) => assert.match(rejections[i]!.reason, new RegExp(expected.reason), `line ${expected.line}`));
      assert.deepEqual(outcome.errors, rejections, 'the outcome lists the stored rejected rows');
      const snapshot = await t.db.knex('snapshots').where({ id: outcome.snapshotId }).first();
      assert.equal(snapshot.as_of, '2024-01-31');
      assert.equal(Number(snapshot.rows), 15);
    });

    it('refuses the worked example at the default max-reject-ratio (3 of 15 > 0.1 %), storing nothing', async () => {
      const outcome = await ingestBytes(t.db.knex, data.dir, EXAMPLE, { asOf: '2024-01-31', fileName: 'snapshot-rules.csv' });
      assert.equal(outcome.status, 'failed');
      assert.match(
        outcome.errors[0]!.reason,
        /^3 of the 15 data rows were rejected \(20 %\), more than the 0\.1 % the max_reject_ratio setting \(0\.001\) allows/,
      );
      assert.deepEqual(
        outcome.errors.slice(1).map((e) => e.line),
        [15, 16, 17],
      );
      assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
      assert.deepEqual(archiveFiles(data.dir), []);
    });

    for (const c of cases) {
      it(c.name, async () => {
        if (c.ratio) await setSetting(t.db.knex, 'max-reject-ratio', c.ratio);
        const outcome = await ingestBytes(t.db.knex, data.dir, c.bytes, { asOf: c.asOf ?? '2024-01-31', fileName: c.fileName ?? 'test.csv' });
        assert.equal(outcome.status, 'imported', JSON.stringify(outcome.errors));
        assert.equal(outcome.asOf, c.expect.asOf ?? '2024-01-31');
        assert.equal(outcome.rows, c.expect.rows);
        const rejected = c.expect.rejected ?? [];
        assert.equal(outcome.rejected, rejected.length);
        assert.equal(outcome.accepted, c.expect.rows - rejected.length);
        assert.deepEqual(await storedCounts(t.db.knex, outcome.snapshotId!), c.expect.counts);
        const stored = await storedRejections(t.db.knex, outcome.snapshotId!);
        assert.deepEqual(
          stored.map((r) => r.line),
          rejected.map((r) => r.line),
        );
        rejected.forEach((r, i) => assert.match(stored[i]!.reason, r.reason));
        const snapshot = await t.db.knex('snapshots').where({ id: outcome.snapshotId }).first();
        assert.equal(Boolean(snapshot.gzip), c.expect.gzip ?? false);
        assert.equal(snapshot.as_of, c.expect.asOf ?? '2024-01-31');
      });
    }

    it('counts against the MAP register when it has entries', async () => {
      // Register UFLM only: MAP1 is then well-formed but unknown → invalid; uflm → valid.
      await t.db.knex('map_register').insert({ map_id: 'UFLM', name: 'Utility First', updated_at: '2024-01-01 00:00:00.000' });
      const outcome = await ingestBytes(t.db.knex, data.dir, [HEADER, row(1, { map_id: 'uflm' }), row(2, { map_id: 'MAP1' }), ''].join('\n'), {
        asOf: '2024-01-31',
      });
      assert.deepEqual(await storedCounts(t.db.knex, outcome.snapshotId!), { [USER_A]: counts({ inScope: 2, completed: 1, invalid: 1 }) });
    });

    it('counts against the implementation date in the settings', async () => {
      // With implementation on 2017-06-01: 2017-05-31 is before it (in scope), 2017-06-01 is not (new, no MAP ID).
      await setSetting(t.db.knex, 'implementation-date', '2017-06-01');
      const text = [HEADER, row(1, { prenotified_date: '2017-05-31' }), row(2, { prenotified_date: '2017-06-01' }), ''].join('\n');
      const outcome = await ingestBytes(t.db.knex, data.dir, text, { asOf: '2024-01-31' });
      assert.deepEqual(await storedCounts(t.db.knex, outcome.snapshotId!), { [USER_A]: counts({ inScope: 1, newMissing: 1 }) });
    });

    it('adds unknown Users as unregistered, named by their ID, and leaves registered ones alone', async () => {
      await t.db.knex('dcc_users').insert({
        user_id: USER_A,
        name: 'Octopus Energy',
        short_name: 'Octopus',
        registered: true,
        created_at: '2024-01-01 00:00:00.000',
        updated_at: '2024-01-01 00:00:00.000',
      });
      const text = [HEADER, row(1), row(2, { responsible_user_id: '90b3d51f3001000b' }), ''].join('\n');
      await ingestBytes(t.db.knex, data.dir, text, { asOf: '2024-01-31' });
      const users = await t.db.knex('dcc_users').orderBy('user_id').select('user_id', 'name', 'short_name', 'registered');
      assert.deepEqual(
        users.map((u) => ({ ...u, registered: Boolean(u.registered) })),
        [
          { user_id: USER_A, name: 'Octopus Energy', short_name: 'Octopus', registered: true },
          { user_id: USER_B, name: USER_B, short_name: null, registered: false },
        ],
      );
    });

    it('refuses 2 rejected of 1000 rows at the default ratio, and accepts them at 0.002', async () => {
      const text = [HEADER, ...Array.from({ length: 998 }, (_, i) => row(i + 1)), row(5000, { device_type: '' }), row(5001, { device_id: 'x' }), ''].join('\n');
      const refused = await ingestBytes(t.db.knex, data.dir, text, { asOf: '2024-01-31' });
      assert.equal(refused.status, 'failed');
      assert.match(refused.errors[0]!.reason, /^2 of the 1,000 data rows were rejected \(0\.2 %\)/);
      assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
      await setSetting(t.db.knex, 'max-reject-ratio', '0.002');
      const accepted = await ingestBytes(t.db.knex, data.dir, text, { asOf: '2024-01-31' });
      assert.equal(accepted.status, 'imported');
      assert.deepEqual(
        (await storedRejections(t.db.knex, accepted.snapshotId!)).map((r) => r.line),
        [1000, 1001],
      );
    });

    it('keeps every rejected row of an accepted snapshot, beyond what fits in memory', async () => {
      // 12 000 of 24 000 rows rejected (every other row has an empty type), with ratio 0.5: all
      // 12 000 stored (more than the 10 000 kept in memory), on lines 3, 5, …, 24001.
      await setSetting(t.db.knex, 'max-reject-ratio', '0.5');
      const rows = Array.from({ length: 24_000 }, (_, i) => (i % 2 === 1 ? row(i, { device_type: '' }) : row(i)));
      const outcome = await ingestBytes(t.db.knex, data.dir, [HEADER, ...rows, ''].join('\n'), { asOf: '2024-01-31' });
      assert.equal(outcome.status, 'imported');
      assert.equal(outcome.rejected, 12_000);
      const stored = await storedRejections(t.db.knex, outcome.snapshotId!);
      assert.equal(stored.length, 12_000);
      assert.equal(stored[0]!.line, 3);
      assert.equal(stored[11_999]!.line, 24_001);
      assert.ok(stored.every((r, i) => r.line === 3 + 2 * i && r.reason === 'device_type is empty'));
      assert.deepEqual(outcome.errors, stored);
      assert.deepEqual(
        archiveFiles(data.dir).filter((f) => f.file.startsWith('tmp')),
        [],
        'the spill file is gone',
      );
    });
  });
}
