// Whole files refused (SPEC §3.1): each with a message that names the problem and the line, and
// nothing of the file stored — no snapshot, counts, rejected rows or Users, no archive file — only
// the failed attempt, with its reason, in snapshot_imports.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PayloadTooLargeError } from '../../server/errors.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { addDays, londonToday } from '../../server/engine/calendar.ts';
import { ingestSnapshot } from '../../server/snapshots/ingest/ingest-snapshot.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles, ingestBytes, NOTHING_STORED, storedRows, TEST_ACTOR, tempDataDir } from '../unit/snapshots/ingest-helpers.ts';

const GOOD = [HEADER, ...Array.from({ length: 2000 }, (_, i) => row(i + 1)), ''].join('\n');
const GOOD_GZIP = gzipSync(Buffer.from(GOOD));

function corrupt(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  // Past the 10-byte header, inside the deflate stream.
  for (let i = 200; i < 260; i++) copy[i] = copy[i]! ^ 0x5a;
  return copy;
}

interface Refusal {
  name: string;
  bytes: string | Buffer;
  fileName?: string;
  asOf?: string;
  reason: RegExp;
  line: number | null;
}

const refusals: Refusal[] = [
  { name: 'an empty file', bytes: '', reason: /^No header: the file is empty/, line: 1 },
  {
    name: 'no header (data on the first line)',
    bytes: `${row(1)}\n${row(2)}\n`,
    reason: /^No header: the first line must name the columns device_id, device_type, device_status, responsible_user_id, map_id, prenotified_date/,
    line: 1,
  },
  {
    name: 'a missing required column',
    bytes:
      'device_id,device_type,device_status,responsible_user_id,prenotified_date\n00-00-00-00-00-00-00-01,ESME,Commissioned,90-B3-D5-1F-30-01-00-0A,2017-01-01\n',
    reason: /^The header has no "map_id" column/,
    line: 1,
  },
  { name: 'a header and no data rows', bytes: `${HEADER}\r\n\r\n`, reason: /^No data rows: the header is not followed by any row/, line: 1 },
  {
    name: 'a quoted field never closed',
    bytes: `${HEADER},notes\n${row(1)},ok\n${row(2)},"never closed\n${row(3)},x\n`,
    reason: /^Broken quoting: the quoted field opened on this line is never closed/,
    line: 3,
  },
  {
    name: 'a quote inside an unquoted field',
    bytes: `${HEADER}\n${row(1)}\n${row(2)}\n${row(3, { device_status: 'Comm"issioned' })}\n${row(4)}\n`,
    reason: /^Broken quoting: a quote inside the unquoted field 3 \("device_status"\)/,
    line: 4,
  },
  {
    name: 'a gzip file cut short',
    bytes: GOOD_GZIP.subarray(0, Math.floor(GOOD_GZIP.length / 2)),
    reason: /^Broken gzip: the file ends in the middle of its compressed data \(it was cut short\); the text stops on this line$/,
    line: -1,
  },
  {
    name: 'a damaged gzip file',
    bytes: corrupt(GOOD_GZIP),
    reason: /^Broken gzip: the compressed data is damaged \(zlib: [^)]+\) somewhere after this line of the text$/,
    line: -1,
  },
  {
    name: 'broken quoting inside a gzip file',
    bytes: gzipSync(Buffer.from(`${HEADER}\n${row(1)}\n${row(2, { map_id: '"UF"LM' })}\n`)),
    reason: /^Broken quoting: text after the closing quote of field 5 \("map_id"\)/,
    line: 3,
  },
  {
    name: 'no as-of date given and none in the file name',
    bytes: GOOD,
    fileName: 'inventory.csv',
    asOf: '',
    reason: /^No as-of date: give one with the file .* or put it in the file name as YYYYMMDD or YYYY-MM-DD \("inventory\.csv" holds no date\)/,
    line: null,
  },
  {
    name: 'an as-of date after today in London',
    bytes: GOOD,
    asOf: addDays(londonToday(), 1),
    reason: new RegExp(
      `^The as-of date ${addDays(londonToday(), 1)} is after today \\(${londonToday()} in London\\): a snapshot can only be of a day that has begun`,
    ),
    line: null,
  },
  {
    name: 'a date after today in the file name, with none given',
    bytes: GOOD,
    fileName: 'smi-29991231.csv',
    asOf: '',
    reason: /^The date 2999-12-31 in the file name \("smi-29991231\.csv"\) is after today \(\d{4}-\d{2}-\d{2} in London\), so it cannot be the as-of date/,
    line: null,
  },
  {
    name: 'an as-of date that is not a date',
    bytes: GOOD,
    asOf: '2024-02-30',
    reason: /^The as-of date "2024-02-30" is not a real date written YYYY-MM-DD/,
    line: null,
  },
];

for (const kind of databaseKinds) {
  describe(`refused snapshot files on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let data: ReturnType<typeof tempDataDir>;

    before(async () => {
      t = await kind.create();
    });
    after(async () => {
      await t?.drop();
      await data?.remove();
    });
    beforeEach(async () => {
      await data?.remove();
      data = tempDataDir();
      await t.db.knex('snapshot_imports').del();
    });

    for (const r of refusals) {
      it(`refuses ${r.name}, naming the problem and the line, storing nothing`, async () => {
        const outcome = await ingestBytes(t.db.knex, data.dir, r.bytes, { asOf: r.asOf ?? '2024-01-31', fileName: r.fileName ?? 'test.csv' });
        assert.equal(outcome.status, 'failed');
        assert.equal(outcome.snapshotId, null);
        assert.equal(outcome.errors.length, 1);
        assert.match(outcome.errors[0]!.reason, r.reason);
        if (r.line === null) assert.equal(outcome.errors[0]!.line, null);
        else if (r.line > 0) assert.equal(outcome.errors[0]!.line, r.line);
        else assert.ok(Number.isInteger(outcome.errors[0]!.line) && outcome.errors[0]!.line! >= 1, 'a line is named');
        assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
        assert.deepEqual(archiveFiles(data.dir), []);
        const attempt = await t.db.knex('snapshot_imports').where({ id: outcome.importId }).first();
        assert.equal(attempt.status, 'failed');
        assert.deepEqual(JSON.parse(attempt.errors), outcome.errors);
        const audit = await t.db
          .knex('audit_log')
          .where({ action: 'snapshot.import-refused', entity_id: String(outcome.importId) })
          .first();
        assert.ok(audit, 'the refusal is in the audit log');
      });
    }

    it('refuses a file naming more Users than the max-users setting allows, storing nothing', async () => {
      await changeSetting(t.db.knex, 'max-users', '2', TEST_ACTOR);
      try {
        const users = ['90-B3-D5-1F-30-01-00-01', '90-B3-D5-1F-30-01-00-02', '90-B3-D5-1F-30-01-00-03'];
        const text = [HEADER, ...users.map((u, i) => row(i + 1, { responsible_user_id: u })), row(4, { responsible_user_id: users[0] }), ''].join('\n');
        const outcome = await ingestBytes(t.db.knex, data.dir, text, { asOf: '2024-01-31' });
        assert.equal(outcome.status, 'failed');
        assert.deepEqual(outcome.errors, [
          {
            line: 4,
            reason:
              'The file names more Users than the max-users setting allows (2): the 3rd User, 90-B3-D5-1F-30-01-00-03, first appears on this line, ' +
              'and the file was read no further; nothing was imported. If that many Users is right, SECAS can raise the max-users setting.',
          },
        ]);
        assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
        assert.deepEqual(archiveFiles(data.dir), []);
      } finally {
        await changeSetting(t.db.knex, 'max-users', '1000', TEST_ACTOR);
      }
    });

    it('refuses a file larger than the limit while streaming it, storing nothing', async () => {
      function* chunks(): Generator<Uint8Array> {
        const bytes = Buffer.from(GOOD);
        for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
      }
      await assert.rejects(
        ingestSnapshot(
          { knex: t.db.knex, dataDir: data.dir },
          { source: 'api', fileName: 'x.csv', asOf: '2024-01-31', actor: TEST_ACTOR, bytes: { kind: 'stream', chunks: chunks() }, maxBytes: 5000 },
        ),
        (err: unknown) => err instanceof PayloadTooLargeError && /larger than the 4\.9 KiB this server accepts \(UPLOAD_MAX_BYTES\)/.test(err.message),
      );
      assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
      assert.deepEqual(archiveFiles(data.dir), []);
      const attempt = await t.db.knex('snapshot_imports').first();
      assert.equal(attempt.status, 'failed');
      assert.match(attempt.errors, /larger than the 4\.9 KiB/);
    });

    it('stores nothing when the upload breaks off mid-way', async () => {
      async function* chunks(): AsyncGenerator<Uint8Array> {
        yield Buffer.from(GOOD.slice(0, 5000));
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('the client went away');
      }
      await assert.rejects(
        ingestSnapshot(
          { knex: t.db.knex, dataDir: data.dir },
          { source: 'web', fileName: 'x.csv', asOf: '2024-01-31', actor: TEST_ACTOR, bytes: { kind: 'stream', chunks: chunks() } },
        ),
        /the client went away/,
      );
      assert.deepEqual(await storedRows(t.db.knex), NOTHING_STORED);
      assert.deepEqual(archiveFiles(data.dir), []);
      assert.equal((await t.db.knex('snapshot_imports').first()).status, 'failed');
    });
  });
}
