// Issue 18, point 5: the DCC fixes a refused extract from the Snapshots page. A refused file's
// rejected rows are kept and grouped by reason with counts over ALL of them; an accepted snapshot
// with rejected rows gets the same groups; each import's rejected rows download as one CSV
// (line, field, value, reason), for the DCC and SECAS. Counts worked out by hand from the file
// (test/fixtures/refused-extract.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRejectionGroups, pruneImportRejections } from '../../db/queries/snapshot-rejections.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { refusedExtract } from '../fixtures/refused-extract.ts';
import { deviceId } from '../unit/snapshots/scan-helpers.ts';
import { storedRows } from '../unit/snapshots/ingest-helpers.ts';

const PASSWORD = 'rejected rows 123';
const SYSTEM = { kind: 'system', name: 'test' } as const;
const DATE_RULE = 'prenotified_date: not a real date in the form YYYY-MM-DD';
const ID_RULE = 'device_id: not an EUI-64 (16 hex digits, bare or as 8 pairs joined by &quot;-&quot; or &quot;:&quot;)';

function multipart(fields: Record<string, string>, file: { name: string; text: string }): { body: string; type: string } {
  const boundary = '----bfmRejectedRows7MA4YWxkTrZu0gW';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.text}\r\n`);
  return { body: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(client: TestClient, asOf: string, file: { name: string; text: string }, accept: string) {
  const action = await client.formAction('/snapshots', 'upload-form');
  const { body, type } = multipart({ asOf }, file);
  return client.request('POST', action, { body, headers: { 'content-type': type, accept } });
}

/** The CSV's lines, without the final line end. */
function csvLines(text: string): string[] {
  return text.replace(/\r\n$/, '').split('\r\n');
}

/** The page's text with tags and runs of white space collapsed, for matching what a reader sees. */
function visible(html: string): string {
  return html
    .replace(/<caption[^>]*>[\s\S]*?<\/caption>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

for (const kind of databaseKinds) {
  describe(`rejected rows by reason and as CSV on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let dcc: TestClient;
    let secas: TestClient;
    let panel: TestClient;
    let refusedImport: number;

    before(async () => {
      t = await kind.create();
      for (const role of ['dcc', 'secas', 'panel'] as const) {
        await addAccount(t.db.knex, { email: `${role}@example.org`, role, password: PASSWORD }, SYSTEM);
      }
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      dcc = new TestClient(server.url);
      secas = new TestClient(server.url);
      panel = new TestClient(server.url);
      for (const [client, role] of [
        [dcc, 'dcc'],
        [secas, 'secas'],
        [panel, 'panel'],
      ] as const) {
        assert.equal((await client.login(`${role}@example.org`, PASSWORD)).status, 303);
      }
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('refuses 1,041 rejected of 3,000 rows, keeps them all, and answers the page’s script with them grouped', async () => {
      const res = await upload(dcc, '2024-01-31', { name: 'smi-bad.csv', text: refusedExtract(3000) }, 'application/json');
      assert.equal(res.status, 422);
      const body = JSON.parse(res.text) as {
        importId: number;
        status: string;
        rejected: number;
        errors: Array<{ line: number | null; reason: string }>;
        refusal: {
          status: string;
          rejected: { rejected: number; csvHref: string; csvRows: number; groups: Array<{ label: string; rows: number; more: number; examples: unknown[] }> };
        };
      };
      refusedImport = body.importId;
      assert.equal(body.status, 'failed');
      assert.equal(body.rejected, 1041);
      assert.match(
        body.errors[0]!.reason,
        /^1,041 of the 3,000 data rows were rejected \(34\.7 %\), more than the 0\.1 % the max_reject_ratio setting \(0\.001\) allows, so nothing was imported$/,
      );
      assert.equal(body.refusal.status, 'refused');
      assert.equal(body.refusal.rejected.rejected, 1041);
      assert.equal(body.refusal.rejected.csvRows, 1041);
      assert.equal(body.refusal.rejected.csvHref, `/snapshots/imports/${refusedImport}/rejected.csv`);
      assert.deepEqual(
        body.refusal.rejected.groups.map((g) => [g.label, g.rows, g.more]),
        [
          ['prenotified_date: not a real date in the form YYYY-MM-DD', 1000, 997],
          ['device_id: not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")', 60, 57],
          ['device_id: repeats the device_id of an earlier row', 1, 0],
        ],
      );
      assert.deepEqual(body.refusal.rejected.groups[1]!.examples, [
        { line: 2, field: 'device_id', value: '"NOT-AN-ID-1"' },
        { line: 52, field: 'device_id', value: '"NOT-AN-ID-51"' },
        { line: 102, field: 'device_id', value: '"NOT-AN-ID-101"' },
      ]);
      // Nothing of the snapshot is stored; its rejected rows are, every one.
      assert.deepEqual(await storedRows(t.db.knex), { snapshots: 0, snapshot_counts: 0, snapshot_rejections: 0, dcc_users: 0 });
      const kept = (await t.db.knex('snapshot_import_rejections').where({ import_id: refusedImport }).count({ n: '*' }).first()) as { n: number | string };
      assert.equal(Number(kept.n), 1041);

      const progress = JSON.parse((await dcc.get('/snapshots/import-progress?file=smi-bad.csv&after=0')).text) as Record<string, unknown>;
      assert.equal(progress.status, 'failed');
      assert.equal(progress.refused, true);
      assert.match(String(progress.reason), /^1,041 of the 3,000 data rows were rejected/);
    });

    it('lists the refusal on the Snapshots page grouped by reason, with counts, first rows and how many more', async () => {
      const page = await dcc.get('/snapshots');
      assert.equal(page.status, 200);
      const text = visible(page.text);
      assert.match(text, /Recent uploads that stored no snapshot/);
      assert.match(text, /Refused smi-bad\.csv dcc@example\.org \(web\)/);
      assert.match(
        text,
        /1,041 of the 3,000 data rows were rejected \(34\.7 %\), more than the 0\.1 % the max_reject_ratio setting \(0\.001\) allows, so nothing was imported\. The rejected rows, by reason:/,
      );
      assert.ok(
        text.includes(
          `1,000 × ${DATE_RULE} Line Field Value 4 prenotified_date "2021-13-01" 7 prenotified_date "2021-13-01" 10 prenotified_date "2021-13-01" and 997 more`,
        ),
        text,
      );
      assert.ok(
        text.includes(
          '60 × device_id: not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":") Line Field Value 2 device_id "NOT-AN-ID-1" 52 device_id "NOT-AN-ID-51" 102 device_id "NOT-AN-ID-101" and 57 more',
        ),
      );
      assert.ok(
        text.includes(
          `1 × device_id: repeats the device_id of an earlier row Line Field Value 3,000 device_id "${deviceId(2)}" Download all 1,041 rejected rows (CSV)`,
        ),
        text,
      );
      assert.match(page.text, new RegExp(`<a href="/snapshots/imports/${refusedImport}/rejected\\.csv" download>`));
      assert.ok(page.text.includes(ID_RULE));
    });

    it('shows the same groups after a refused upload without JavaScript', async () => {
      const res = await upload(dcc, '2024-01-31', { name: 'smi-bad-again.csv', text: refusedExtract(3000) }, 'text/html');
      assert.equal(res.status, 422);
      const text = visible(res.text);
      assert.match(text, /There is a problem smi-bad-again\.csv was not imported\. Nothing of it was stored\. 1,041 of the 3,000 data rows/);
      assert.ok(text.includes(`1,000 × ${DATE_RULE}`));
      assert.ok(text.includes('and 997 more'));
    });

    it('downloads every rejected row of the refusal as CSV, one line per problem, for the DCC and SECAS, not the Panel', async () => {
      const path = `/snapshots/imports/${refusedImport}/rejected.csv`;
      const res = await dcc.get(path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="?rejected-rows-import-${refusedImport}-smi-bad\\.csv"?$`));
      const lines = csvLines(res.text);
      // 1 000 bad dates + 60 bad device_ids + 1 duplicate = 1 061 problems on 1 041 rows, and the header.
      assert.equal(lines.length, 1062);
      assert.deepEqual(lines.slice(0, 4), [
        'line,field,value,reason',
        '2,device_id,NOT-AN-ID-1,"device_id is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by ""-"" or "":"")"',
        '4,prenotified_date,2021-13-01,prenotified_date is not a real date in the form YYYY-MM-DD',
        '7,prenotified_date,2021-13-01,prenotified_date is not a real date in the form YYYY-MM-DD',
      ]);
      // Row 51 (line 52) breaks both rules: two lines, in column order.
      const at52 = lines.filter((l) => l.startsWith('52,'));
      assert.deepEqual(
        at52.map((l) => l.split(',').slice(0, 3).join(',')),
        ['52,device_id,NOT-AN-ID-51', '52,prenotified_date,2021-13-01'],
      );
      // Row 2 999 (line 3 000) repeats row 2's device_id; row 3 000 (line 3 001) is the last bad date.
      assert.deepEqual(lines.slice(-2), [
        `3000,device_id,${deviceId(2)},"device_id duplicate, first at line 3"`,
        '3001,prenotified_date,2021-13-01,prenotified_date is not a real date in the form YYYY-MM-DD',
      ]);
      assert.equal((await secas.get(path)).text, res.text);
      assert.equal((await panel.get(path)).status, 403);
      assert.equal((await dcc.get('/snapshots/imports/999999/rejected.csv')).status, 404);
    });

    it('groups an accepted snapshot’s rejected rows too, with its CSV read from the snapshot, and a Status column', async () => {
      await t.db.knex('settings').insert({ key: 'max-reject-ratio', value: '0.5', updated_at: '2024-01-01 00:00:00.000', updated_by: 'test' });
      const res = await upload(dcc, '2024-02-29', { name: 'smi-some-bad.csv', text: refusedExtract(300) }, 'application/json');
      assert.equal(res.status, 201, res.text.slice(0, 300));
      const { importId, snapshotId } = JSON.parse(res.text) as { importId: number; snapshotId: number };
      const page = await dcc.get('/snapshots');
      const text = visible(page.text);
      assert.match(text, new RegExp(`Snapshot ${snapshotId}, as of 29 Feb 2024: 105 rejected of 300 rows`));
      assert.ok(text.includes('100 × prenotified_date: not a real date in the form YYYY-MM-DD Line Field Value 4 prenotified_date "2021-13-01"'));
      assert.ok(text.includes('and 97 more'));
      assert.ok(text.includes('6 × device_id: not an EUI-64'));
      assert.ok(text.includes('and 3 more'));
      assert.ok(text.includes('Download all 105 rejected rows (CSV)'));
      assert.match(page.text, /<th scope="col">Status<\/th>/);
      assert.match(page.text, /<span class="tag tag-current">Current<\/span>/);

      const csv = csvLines((await secas.get(`/snapshots/imports/${importId}/rejected.csv`)).text);
      assert.equal(csv.length, 1 + 100 + 6 + 1);
      // Row 299 (line 300) repeats row 2's device_id.
      assert.deepEqual(
        csv.filter((l) => l.startsWith('300,')),
        [`300,device_id,${deviceId(2)},"device_id duplicate, first at line 3"`],
      );

      const snapshotPage = visible((await dcc.get(`/snapshots/${snapshotId}`)).text);
      assert.ok(snapshotPage.includes('By reason 100 × prenotified_date: not a real date in the form YYYY-MM-DD'));

      // A later file for the same date: the first reads as superseded, naming the newer and its date.
      const newer = await upload(dcc, '2024-02-29', { name: 'smi-fixed.csv', text: refusedExtract(30) }, 'application/json');
      assert.equal(newer.status, 201, newer.text.slice(0, 300));
      const newerId = (JSON.parse(newer.text) as { snapshotId: number }).snapshotId;
      const list = visible((await dcc.get('/snapshots')).text);
      assert.match(list, new RegExp(`Superseded by snapshot ${newerId} \\(as of 29 Feb 2024\\)`));
    });

    it('counts the groups of a snapshot imported before they were kept, once, from its stored rows', async () => {
      const imported: { id: number } | undefined = await t.db.knex('snapshot_imports').where({ file_name: 'smi-some-bad.csv' }).first('id');
      const importId = Number(imported!.id);
      const before = (await listRejectionGroups(t.db.knex, [importId])).get(importId);
      await t.db.knex('snapshot_rejection_groups').where({ import_id: importId }).delete();
      assert.ok(!(await listRejectionGroups(t.db.knex, [importId])).has(importId));
      const text = visible((await secas.get('/snapshots')).text);
      assert.ok(text.includes('100 × prenotified_date: not a real date'));
      assert.deepEqual((await listRejectionGroups(t.db.knex, [importId])).get(importId), before);
    });

    it('lets older refusals go of their rows but not of their counts', async () => {
      await pruneImportRejections(t.db.knex, 1);
      const left = (await t.db.knex('snapshot_import_rejections').where({ import_id: refusedImport }).count({ n: '*' }).first()) as { n: number | string };
      assert.equal(Number(left.n), 0);
      const text = visible((await dcc.get('/snapshots')).text);
      assert.ok(text.includes('The rows themselves are no longer kept'));
      assert.ok(text.includes(`1,000 × ${DATE_RULE}`));
      assert.equal(csvLines((await dcc.get(`/snapshots/imports/${refusedImport}/rejected.csv`)).text).length, 1);
    });
  });
}
