// The drop folder (SPEC §7): a run imports every finished file in DATA_DIR/inbox through the one
// ingest; imported and duplicate files leave the inbox (their bytes are in the archive), refused
// ones go to inbox/failed/ with a .error.txt saying why, files still arriving wait.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { processInbox } from '../../server/snapshots/ingest/drop-folder.ts';
import { archiveWorkDone } from '../../server/snapshots/ingest/archive.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles, tempDataDir } from '../unit/snapshots/ingest-helpers.ts';

const NOW = new Date('2024-03-05T10:00:00Z');
const AN_HOUR_AGO = new Date(NOW.getTime() - 3600_000);

const GOOD = [HEADER, row(1), row(2), ''].join('\n');
const OTHER = [HEADER, row(3), ''].join('\n');
const BROKEN = [HEADER, row(4), row(5, { device_type: 'ES"ME' }), ''].join('\n');

for (const kind of databaseKinds) {
  describe(`the drop folder on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let data: ReturnType<typeof tempDataDir>;
    let inbox: string;
    const drop = (name: string, bytes: string | Buffer, at = AN_HOUR_AGO): void => {
      const file = path.join(inbox, name);
      writeFileSync(file, bytes);
      utimesSync(file, at, at);
    };

    before(async () => {
      t = await kind.create();
      data = tempDataDir();
      inbox = path.join(data.dir, 'inbox');
      mkdirSync(inbox, { recursive: true });
    });
    after(async () => {
      await t?.drop();
      await data?.remove();
    });

    it('imports finished files, deletes duplicates, moves refused ones aside with the reason, leaves files still arriving', async () => {
      drop('a-smi-20240131.csv', GOOD);
      drop('b-copy-20240131.csv', GOOD);
      drop('c-bad-20240201.csv', BROKEN);
      drop('d-smi-20240229.csv.gz', gzipSync(OTHER));
      drop('e-nodate.csv', OTHER.replace(row(3), row(6)));
      drop('f-arriving-20240301.csv', GOOD, NOW);
      drop('g-upload-20240302.csv.part', GOOD);
      drop('.h-hidden-20240303.csv', GOOD);

      const run = await processInbox({ knex: t.db.knex, dataDir: data.dir, now: () => NOW });
      await archiveWorkDone();
      const snapshots = await t.db.knex('snapshots').orderBy('id');
      assert.deepEqual(
        run.files.map((f) => ({ file: f.file, status: f.status, snapshotId: f.snapshotId })),
        [
          { file: 'a-smi-20240131.csv', status: 'imported', snapshotId: Number(snapshots[0].id) },
          { file: 'b-copy-20240131.csv', status: 'duplicate', snapshotId: Number(snapshots[0].id) },
          { file: 'c-bad-20240201.csv', status: 'failed', snapshotId: null },
          { file: 'd-smi-20240229.csv.gz', status: 'imported', snapshotId: Number(snapshots[1].id) },
          { file: 'e-nodate.csv', status: 'failed', snapshotId: null },
        ],
      );
      assert.deepEqual(run.waiting, ['f-arriving-20240301.csv']);
      assert.deepEqual(
        snapshots.map((s) => [s.as_of, s.file_name, s.source, s.uploaded_by]),
        [
          ['2024-01-31', 'a-smi-20240131.csv', 'inbox', 'drop folder'],
          ['2024-02-29', 'd-smi-20240229.csv.gz', 'inbox', 'drop folder'],
        ],
      );

      assert.deepEqual(readdirSync(inbox).sort(), ['.h-hidden-20240303.csv', '.processing', 'f-arriving-20240301.csv', 'failed', 'g-upload-20240302.csv.part']);
      assert.deepEqual(readdirSync(path.join(inbox, '.processing')), []);
      assert.deepEqual(readdirSync(path.join(inbox, 'failed')).sort(), [
        'c-bad-20240201.csv',
        'c-bad-20240201.csv.error.txt',
        'e-nodate.csv',
        'e-nodate.csv.error.txt',
      ]);
      assert.equal(readFileSync(path.join(inbox, 'failed', 'c-bad-20240201.csv'), 'utf8'), BROKEN, 'the refused file is kept as it came');
      const attempt = await t.db.knex('snapshot_imports').where({ file_name: 'c-bad-20240201.csv' }).first();
      assert.equal(
        readFileSync(path.join(inbox, 'failed', 'c-bad-20240201.csv.error.txt'), 'utf8'),
        `c-bad-20240201.csv was not imported (import ${attempt.id}, 2024-03-05T10:00:00.000Z). Nothing of it was stored.\n` +
          'Correct the file and put it in the drop folder again.\n\n' +
          'line 3: Broken quoting: a quote inside the unquoted field 2 ("device_type") (a field holding quotes must be quoted, its quotes doubled)\n',
      );
      assert.match(
        readFileSync(path.join(inbox, 'failed', 'e-nodate.csv.error.txt'), 'utf8'),
        /\n\nNo as-of date: give one with the file .*\("e-nodate\.csv" holds no date\)\n$/,
      );

      // The imported files' bytes are in the archive, the plain one compressed, the gzip one as it came.
      const archived = archiveFiles(data.dir).map((f) => f.file);
      assert.deepEqual(archived, snapshots.map((s) => s.archive_path.replace(/^archive\//, '')).sort());
      assert.ok(archived.every((f) => f.endsWith('.csv.gz')));
    });

    it('takes a file once it has settled, names a second refused file of the same name apart', async () => {
      drop('c-bad-20240201.csv', BROKEN.replace(row(4), row(7)));
      utimesSync(path.join(inbox, 'f-arriving-20240301.csv'), AN_HOUR_AGO, AN_HOUR_AGO);
      const run = await processInbox({ knex: t.db.knex, dataDir: data.dir, now: () => NOW });
      assert.deepEqual(
        run.files.map((f) => [f.file, f.status]),
        [
          ['c-bad-20240201.csv', 'failed'],
          ['f-arriving-20240301.csv', 'duplicate'],
        ],
      );
      const second = run.files[0]!.importId!;
      assert.deepEqual(readdirSync(path.join(inbox, 'failed')).sort(), [
        `c-bad-20240201-import${second}.csv`,
        `c-bad-20240201-import${second}.csv.error.txt`,
        'c-bad-20240201.csv',
        'c-bad-20240201.csv.error.txt',
        'e-nodate.csv',
        'e-nodate.csv.error.txt',
      ]);
      assert.match(
        readFileSync(path.join(inbox, 'failed', `c-bad-20240201-import${second}.csv.error.txt`), 'utf8'),
        /^c-bad-20240201\.csv was not imported \(import \d+,/,
      );
      assert.ok(!existsSync(path.join(inbox, 'f-arriving-20240301.csv')), 'the duplicate is deleted');
    });

    it('puts back a file an earlier run claimed but never finished, and imports it', async () => {
      // A run that died after claiming: the file sits in .processing with no import running.
      writeFileSync(path.join(inbox, '.processing', 'z-stranded-20240401.csv'), [HEADER, row(40), ''].join('\n'));
      utimesSync(path.join(inbox, '.processing', 'z-stranded-20240401.csv'), AN_HOUR_AGO, AN_HOUR_AGO);
      const run = await processInbox({ knex: t.db.knex, dataDir: data.dir, now: () => NOW });
      assert.deepEqual(
        run.files.map((f) => [f.file, f.status]),
        [['z-stranded-20240401.csv', 'imported']],
      );
      assert.deepEqual(readdirSync(path.join(inbox, '.processing')), []);
    });
  });
}
