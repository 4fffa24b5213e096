// The snapshot pages as a browser without JavaScript uses them (SPEC §6.1): the upload form posts
// a plain multipart body, the result page shows the counts and the rejected rows a page at a time,
// and SECAS can download one User's outstanding devices as CSV, safe to open in a spreadsheet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addAccount } from '../../server/auth/accounts.ts';
import { removeMapEntry, saveMapEntry } from '../../server/programme/map-register.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { deviceId, HEADER, row, USER_A, USER_B } from '../unit/snapshots/scan-helpers.ts';
import { storedRows } from '../unit/snapshots/ingest-helpers.ts';

const PASSWORD = 'snapshot pages 123';
const SYSTEM = { kind: 'system', name: 'test' } as const;

/** A multipart/form-data body as a browser sends it: fields first, then the file. */
function multipart(fields: Record<string, string>, file: { name: string; text: string } | null): { body: string; type: string } {
  const boundary = '----bfmTestBoundary7MA4YWxkTrZu0gW';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  if (file)
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.text}\r\n`);
  return { body: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(client: TestClient, fields: Record<string, string>, file: { name: string; text: string } | null, accept = 'text/html') {
  const action = await client.formAction('/snapshots', 'upload-form');
  const { body, type } = multipart(fields, file);
  return client.request('POST', action, { body, headers: { 'content-type': type, accept } });
}

// USER_A: line 2 outstanding (no MAP ID), line 3 completed, line 4 outstanding with a status and
// MAP ID a spreadsheet would run as formulas, line 5 an outstanding GSME ("@", "-"), line 6 a
// repeat of line 2's device (rejected), line 7 another User's, line 8 pre-notified after
// implementation, line 9 withdrawn, line 10 a colon-spelled id with MAP ID " ab-1 ", line 11 a
// status starting with a tab. USER_A's outstanding: lines 2, 4, 5, 10, 11.
const TRACE_FILE = [
  HEADER,
  row(1),
  row(2, { map_id: 'UFLM' }),
  row(3, { device_status: '"=HYPERLINK(""http://x"",""y"")"', map_id: '+SUM' }),
  row(4, { device_type: 'GSME', device_status: '@Pending', map_id: '-1' }),
  row(1, { map_id: 'UFLM' }),
  row(5, { responsible_user_id: USER_B }),
  row(6, { prenotified_date: '2019-01-01' }),
  row(7, { device_status: 'Withdrawn' }),
  row(8, { device_id: '00:00:00:00:00:00:00:08', map_id: ' ab-1 ' }),
  row(9, { device_status: '\tSuspended' }),
  '',
].join('\n');

const TRACE_CSV = [
  'user_id,device_id,device_type,device_status,map_id,map_id_state,prenotified_date,line',
  `${USER_A},${deviceId(1)},ESME,Commissioned,,absent,2017-01-01,2`,
  `${USER_A},${deviceId(3)},ESME,"'=HYPERLINK(""http://x"",""y"")",'+SUM,invalid,2017-01-01,4`,
  `${USER_A},${deviceId(4)},GSME,'@Pending,'-1,invalid,2017-01-01,5`,
  `${USER_A},${deviceId(8)},ESME,Commissioned,ab-1,invalid,2017-01-01,10`,
  `${USER_A},${deviceId(9)},ESME,'\tSuspended,,absent,2017-01-01,11`,
  '',
].join('\n');

for (const kind of databaseKinds) {
  describe(`snapshot pages on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let dcc: TestClient;
    let secas: TestClient;

    before(async () => {
      t = await kind.create();
      for (const role of ['dcc', 'secas'] as const) await addAccount(t.db.knex, { email: `${role}@example.org`, role, password: PASSWORD }, SYSTEM);
      await t.db.knex('settings').insert({ key: 'max-reject-ratio', value: '0.5', updated_at: '2024-01-01 00:00:00.000', updated_by: 'test' });
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      dcc = new TestClient(server.url);
      secas = new TestClient(server.url);
      assert.equal((await dcc.login('dcc@example.org', PASSWORD)).status, 303);
      assert.equal((await secas.login('secas@example.org', PASSWORD)).status, 303);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('shows the upload form, which posts without JavaScript, carrying its CSRF token in the action', async () => {
      const page = await dcc.get('/snapshots');
      assert.equal(page.status, 200);
      assert.match(page.text, /<h1>Snapshots<\/h1>/);
      assert.match(page.text, /action="\/snapshots\?_csrf=[^"]+" enctype="multipart\/form-data"/);
      assert.match(page.text, /<script src="\/assets\/upload\.js" defer><\/script>/);
      assert.match(page.text, /No snapshot has been imported yet/);
      // The as-of field comes before the file field: the server reads the form as it streams in.
      assert.ok(page.text.indexOf('name="asOf"') < page.text.indexOf('name="file"'));
    });

    it('imports an upload and shows the result with its counts and rejected rows', async () => {
      const res = await upload(dcc, { asOf: '2024-01-31' }, { name: 'smi.csv', text: TRACE_FILE });
      assert.equal(res.status, 303, res.text.slice(0, 500));
      const match = /^\/snapshots\/(\d+)\?import=(\d+)$/.exec(res.location ?? '');
      assert.ok(match, res.location ?? '');
      const result = await dcc.get(res.location!);
      assert.equal(result.status, 200);
      assert.match(result.text, /<h1>Snapshot as of 31 Jan 2024<\/h1>/);
      assert.match(result.text, /Imported\. 9 of 10 rows were accepted; the 1 rejected rows are listed below\./);
      assert.match(result.text, /<td class="num">6<\/td><td>duplicate device_id 00-00-00-00-00-00-00-01, first at line 2<\/td>/);
      // USER_A's ESME: in scope 5 (lines 2, 3, 4, 10, 11), completed 1, invalid 2, outstanding 4.
      assert.match(
        result.text,
        new RegExp(
          `${USER_A}</span> <span class="tag tag-warn">unregistered</span></th>\\s*<td class="num">5</td><td class="num">1</td><td class="num">2</td><td class="num">4</td>`,
        ),
      );
      assert.doesNotMatch(result.text, /outstanding\.csv/, 'the CSV is for SECAS only');
      const list = await dcc.get('/snapshots');
      assert.match(list.text, /<a href="\/snapshots\/\d+">31 Jan 2024<\/a>/);
      assert.match(list.text, /smi\.csv/);
      const progress = await dcc.get('/snapshots/import-progress?file=smi.csv&after=0');
      assert.deepEqual(JSON.parse(progress.text), {
        importId: Number(match[2]),
        status: 'imported',
        refused: false,
        reason: null,
        rows: 10,
        bytes: Buffer.byteLength(TRACE_FILE),
        snapshotId: Number(match[1]),
      });
    });

    it('says a second upload of the same file was imported before', async () => {
      const res = await upload(dcc, { asOf: '2024-01-31' }, { name: 'smi-again.csv', text: TRACE_FILE });
      assert.equal(res.status, 303);
      const page = await dcc.get(res.location!);
      assert.match(page.text, /This file was imported before: it is this snapshot, so nothing was imported again\./);
    });

    it('answers the page’s script in JSON', async () => {
      const res = await upload(dcc, { asOf: '2024-02-01' }, { name: 'json.csv', text: [HEADER, row(50), ''].join('\n') }, 'application/json');
      assert.equal(res.status, 201);
      const body = JSON.parse(res.text);
      assert.equal(body.status, 'imported');
      assert.equal(body.location, `/snapshots/${body.snapshotId}?import=${body.importId}`);
    });

    it('shows the form again with the reasons when a file is refused, storing nothing of it', async () => {
      const before = await storedRows(t.db.knex);
      const res = await upload(dcc, { asOf: '2024-03-01' }, { name: 'broken.csv', text: `${HEADER}\n${row(60)}\n${row(61, { map_id: '"UF"LM' })}\n` });
      assert.equal(res.status, 422);
      assert.match(res.text, /<div class="error-summary" role="alert"/);
      assert.match(res.text, /broken\.csv was not imported\. Nothing of it was stored\./);
      assert.match(res.text, /<li><strong>Line 3:<\/strong> Broken quoting: text after the closing quote of field 5 \(&quot;map_id&quot;\)/);
      assert.match(res.text, /value="2024-03-01"/, 'what was typed is kept');
      assert.deepEqual(await storedRows(t.db.knex), before);
      assert.match((await dcc.get('/snapshots')).text, /Recent uploads that stored no snapshot[\s\S]*Refused[\s\S]*broken\.csv/);

      const none = await upload(dcc, { asOf: '2024-03-01' }, null);
      assert.equal(none.status, 422);
      assert.match(none.text, /Choose the snapshot file to upload/);
    });

    it('refuses a form that is not multipart, and one without its CSRF token', async () => {
      const token = await dcc.csrfToken('/snapshots');
      const form = await dcc.postForm('/snapshots', { _csrf: token, asOf: '2024-01-31' });
      assert.equal(form.status, 415);
      const { body, type } = multipart({ asOf: '2024-01-31' }, { name: 'x.csv', text: TRACE_FILE });
      const forged = await dcc.request('POST', '/snapshots', { body, headers: { 'content-type': type } });
      assert.equal(forged.status, 403);
      assert.match(forged.text, /This form has expired or was not sent from this site/);
    });

    it('shows rejected rows a hundred to a page', async () => {
      // 250 rows with an empty device_type (lines 2–251) and 250 good ones: 250 rejected of 500.
      const rows = [...Array.from({ length: 250 }, (_, i) => row(1000 + i, { device_type: '' })), ...Array.from({ length: 250 }, (_, i) => row(2000 + i))];
      const res = await upload(secas, { asOf: '2024-04-30' }, { name: 'many.csv', text: [HEADER, ...rows, ''].join('\n') });
      const id = /^\/snapshots\/(\d+)/.exec(res.location ?? '')![1];
      const first = await secas.get(`/snapshots/${id}`);
      assert.match(first.text, /Rows 1–100 of 250, by line in the file/);
      assert.match(first.text, /Page 1 of 3/);
      assert.doesNotMatch(first.text, /Previous page/);
      // Handlebars writes = in an attribute as &#x3D;.
      assert.match(first.text, new RegExp(`href="/snapshots/${id}\\?page&#x3D;2#rejected-title" rel="next"`));
      assert.match(first.text, /<nav class="pagination" aria-label="Pages of rejected rows">/);
      assert.match(first.text, new RegExp(`<a href="/snapshots/${id}#rejected-title" aria-current="page"><span class="visually-hidden">Page </span>1</a>`));
      const last = await secas.get(`/snapshots/${id}?page=3`);
      assert.match(last.text, /Rows 201–250 of 250/);
      assert.match(last.text, /<td class="num">202<\/td><td>device_type is empty<\/td>/);
      assert.match(last.text, /<td class="num">251<\/td>/);
      assert.doesNotMatch(last.text, /<td class="num">201<\/td>/);
      assert.doesNotMatch(last.text, /Next page/);
    });

    it('gives SECAS one User’s outstanding devices as CSV, formula-safe, re-read from the archive', async () => {
      const snapshot = await t.db.knex('snapshots').where({ as_of: '2024-01-31' }).first();
      const page = await secas.get(`/snapshots/${snapshot.id}`);
      assert.match(page.text, new RegExp(`href="/snapshots/${snapshot.id}/outstanding\\.csv\\?user=${USER_A}" download`));
      const res = await secas.get(`/snapshots/${snapshot.id}/outstanding.csv?user=90b3d51f3001000a`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        new RegExp(`^attachment; filename="?outstanding-${USER_A}-2024-01-31-snapshot-${snapshot.id}\\.csv"?$`),
      );
      assert.equal(res.text, TRACE_CSV);
      // The stored count it traces: 4 ESME + 1 GSME outstanding.
      const counts = await t.db.knex('snapshot_counts').where({ snapshot_id: snapshot.id, user_id: USER_A });
      assert.equal(
        counts.reduce((sum, c) => sum + Number(c.in_scope) - Number(c.completed), 0),
        res.text.trim().split('\n').length - 1,
      );
    });

    it('lists the same devices after the implementation date and the MAP register have changed', async () => {
      const snapshot = await t.db.knex('snapshots').where({ as_of: '2024-01-31' }).first();
      // Under today's rules every row (pre-notified 2017-01-01) would be out of scope, and line 3's
      // "UFLM" would be invalid; the export must still trace the counts as they were made.
      await changeSetting(t.db.knex, 'implementation-date', '2016-12-31', SYSTEM);
      await saveMapEntry(t.db.knex, { map_id: 'ZZZZ', name: 'Another MAP' }, SYSTEM);
      try {
        const res = await secas.get(`/snapshots/${snapshot.id}/outstanding.csv?user=${USER_A}`);
        assert.equal(res.status, 200);
        assert.equal(res.text, TRACE_CSV);
      } finally {
        await removeMapEntry(t.db.knex, { map_id: 'ZZZZ' }, SYSTEM);
        await changeSetting(t.db.knex, 'implementation-date', '2018-06-28', SYSTEM);
      }
    });

    it('keeps the CSV to SECAS, and says what is wrong with a bad request', async () => {
      const snapshot = await t.db.knex('snapshots').where({ as_of: '2024-01-31' }).first();
      assert.equal((await dcc.get(`/snapshots/${snapshot.id}/outstanding.csv?user=${USER_A}`)).status, 403);
      const bad = await secas.get(`/snapshots/${snapshot.id}/outstanding.csv?user=nobody`);
      assert.equal(bad.status, 422);
      assert.match(bad.text, /&quot;nobody&quot; is not a User ID/);
      const absent = await secas.get(`/snapshots/${snapshot.id}/outstanding.csv?user=90-B3-D5-1F-30-01-00-FF`);
      assert.equal(absent.status, 404);
      assert.match(absent.text, /User 90-B3-D5-1F-30-01-00-FF has no devices in snapshot/);
      assert.equal((await secas.get('/snapshots/99999')).status, 404);
    });
  });
}
