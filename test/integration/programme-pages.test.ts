// The programme pages as SECAS, the DCC and the Panel use them: forms that keep what was typed and
// say what is wrong beside the field, CSV uploads refused whole with their lines, POST-redirect-GET
// with a message, downloads, and the deadline page's what-if — on SQLite and MySQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../server/auth/roles.ts';
import { planDeadline } from '../../server/progress/progress-service.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import type { Response, TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { insertSnapshot } from './programme-fixtures.ts';

const PASSWORD = 'programme pages 123';
const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';

/** The visible text of an HTML fragment, one space between words. */
const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

function flashOf(page: Response): string {
  return text(/<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '');
}

function errorSummaryOf(page: Response, id: string): string {
  return text(new RegExp(`<div class="error-summary"[^>]*aria-labelledby="${id}-error-title"[\\s\\S]*?</div>`).exec(page.text)?.[0] ?? '');
}

function tableRows(page: Response, tableId: string): string[] {
  const table = new RegExp(`<table[^>]*id="${tableId}"[\\s\\S]*?</table>`).exec(page.text)?.[0] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => text(m[1]!));
}

/** Posts a file as the import forms do: multipart, the CSRF token in the action URL. */
async function upload(client: TestClient, formPage: string, action: string, fileName: string, content: string): Promise<Response> {
  const token = await client.csrfToken(formPage);
  const boundary = `----bfm${randomBytes(8).toString('hex')}`;
  const body =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: text/csv\r\n\r\n` +
    `${content}\r\n--${boundary}--\r\n`;
  return client.request('POST', `${action}?_csrf=${token}`, { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

async function submit(client: TestClient, formPage: string, action: string, fields: Record<string, string>): Promise<Response> {
  return client.postForm(action, { _csrf: await client.csrfToken(formPage), ...fields });
}

for (const kind of databaseKinds) {
  describe(`programme pages on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as = new Map<Role, TestClient>();

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      await addRoleAccounts(t.db.knex, PASSWORD);
      as = await loggedInClients(server.url, PASSWORD);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('lets SECAS add a User with a form that says what is wrong beside each field', async () => {
      const secas = as.get('secas')!;
      const refused = await submit(secas, '/users', '/users', { user_id: '90-B3-D5-1F-30-01-00', name: 'Alpha Energy' });
      assert.equal(refused.status, 422);
      assert.match(
        refused.text,
        /<p class="field-error" id="user-user_id-error"><span class="visually-hidden">Error:<\/span> &quot;90-B3-D5-1F-30-01-00&quot; is not a User ID/,
      );
      assert.match(refused.text, /id="user-user_id" name="user_id" type="text" value="90-B3-D5-1F-30-01-00"[^>]*aria-invalid="true"/);
      assert.match(refused.text, /id="user-name" name="name" type="text" value="Alpha Energy"/, 'what was typed is kept');

      const saved = await submit(secas, '/users', '/users', { user_id: '90b3d51f3001000a', name: 'Alpha Energy', short_name: 'Alpha' });
      assert.deepEqual([saved.status, saved.location], [303, '/users']);
      const page = await secas.get('/users');
      assert.equal(flashOf(page), `${ALPHA} is added to the register as Alpha Energy.`);
      assert.match(text(page.text), new RegExp(`${ALPHA} Alpha Energy Alpha registered`));
    });

    it('shows the DCC the register without SECAS’s forms, and flags Users only a snapshot named', async () => {
      await insertSnapshot(t.db.knex, '2018-07-02', { [ALPHA]: { esme: [1000, 0] }, [BETA]: { esme: [500, 0] } });
      const page = await as.get('dcc')!.get('/users');
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /Add or rename a User|action="\/users\/import/);
      assert.match(text(page.text), new RegExp(`1 User appears in snapshots without a name: ${BETA} \\. SECAS names them\\.`));
      assert.match(text(page.text), new RegExp(`${BETA} not yet named unregistered`));
      const csv = await as.get('dcc')!.get('/users/export.csv');
      assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="?users-register\.csv"?$/);
      assert.equal(csv.text, `user_id,name,short_name,registered\r\n${ALPHA},Alpha Energy,Alpha,yes\r\n${BETA},${BETA},,no\r\n`);
    });

    it('lets the DCC upload declarations: refused whole with every line, then accepted', async () => {
      const dcc = as.get('dcc')!;
      const bad = await upload(
        dcc,
        '/users/declarations',
        '/users/declarations/import',
        'declarations.csv',
        `user_id,count,received_on\n${ALPHA},10000,2018-07-05\n${BETA},lots,2018-07-09\n90-B3-D5-1F-30-01-00-0C,5,2018-07-05\n`,
      );
      assert.equal(bad.status, 422);
      assert.equal(
        errorSummaryOf(bad, 'import'),
        'There is a problem Nothing was imported from declarations.csv: it has 2 problems. ' +
          'Line 3, count : "lots" is not a whole number of 0 or more ' +
          'Line 4, user_id : 90-B3-D5-1F-30-01-00-0C is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)',
      );
      assert.match(bad.text, /No declaration has been recorded yet/);

      const good = await upload(
        dcc,
        '/users/declarations',
        '/users/declarations/import',
        'C:\\exports\\declarations.csv',
        `user_id,count,received_on\n${ALPHA},10000,2018-07-05\n${BETA},3000,2018-07-09\n`,
      );
      assert.deepEqual([good.status, good.location], [303, '/users/declarations']);
      const page = await dcc.get('/users/declarations');
      assert.equal(flashOf(page), 'Imported declarations.csv: 2 rows — 2 added, 0 changed, 0 unchanged.');
      assert.match(text(page.text), new RegExp(`Alpha Energy ${ALPHA} 10,000 5 Jul 2018 in force dcc@example.org`));

      const none = await upload(dcc, '/users/declarations', '/users/declarations/import', 'empty.csv', '');
      assert.equal(none.status, 422);
      assert.match(errorSummaryOf(none, 'import'), /Choose a CSV file to import\./);
    });

    it('lets the DCC record and remove an allowance with the form', async () => {
      const dcc = as.get('dcc')!;
      const refused = await submit(dcc, '/users/allowances', '/users/allowances', {
        user_id: '',
        per_day: '-5',
        effective_from: '2018-07-16',
        confirmed_on: '2018-07-11',
      });
      assert.equal(refused.status, 422);
      assert.match(refused.text, /id="record-per_day-error"><span class="visually-hidden">Error:<\/span> &quot;-5&quot; is not a whole number of 0 or more/);
      assert.match(refused.text, /id="record-user_id-error"/);
      const saved = await submit(dcc, '/users/allowances', '/users/allowances', {
        user_id: ALPHA,
        per_day: '100',
        effective_from: '2018-07-16',
        confirmed_on: '2018-07-11',
      });
      assert.equal(saved.status, 303);
      assert.equal(flashOf(await dcc.get('/users/allowances')), 'The allowance is recorded.');
      await submit(dcc, '/users/allowances', '/users/allowances', { user_id: BETA, per_day: '5', effective_from: '2018-07-16', confirmed_on: '2018-07-20' });
      await submit(dcc, '/users/allowances', '/users/allowances/remove', { user_id: BETA, effective_from: '2018-07-16', confirm: 'yes' });
      const page = await dcc.get('/users/allowances');
      assert.equal(flashOf(page), `The allowance of ${BETA} from 2018-07-16 was removed.`);
      assert.deepEqual(
        tableRows(page, 'allowances-table').map((row) => row.replace(/ dcc@example\.org .*$/, '')),
        [`Alpha Energy ${ALPHA} 100 16 Jul 2018 11 Jul 2018`],
      );
    });

    it('shows the Panel the deadline, its history and the earliest feasible date, and answers what-if', async () => {
      const secas = as.get('secas')!;
      const set = await submit(secas, '/deadline', '/deadline', { deadline: '2019-03-30', decided_on: '2018-06-20', reason: 'Panel meeting 245, minute 7' });
      assert.equal(set.status, 303);
      assert.equal(flashOf(await secas.get('/deadline')), 'The deadline is now 2019-03-30, as the Panel decided on 2018-06-20.');
      await insertSnapshot(t.db.knex, '2018-07-16', { [ALPHA]: { esme: [1000, 100] }, [BETA]: { esme: [500, 0] } });

      const panel = as.get('panel')!;
      const page = await panel.get('/deadline');
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /Record a new deadline|action="\/deadline\/import/);
      assert.match(text(page.text), /30 Mar 2019 A Saturday, which is not a Working Day: Working Days are counted up to the last one before it\./);
      const history = tableRows(page, 'deadline-history');
      assert.equal(history.length, 1);
      assert.match(history[0]!, /^30 Mar 2019 in force 20 Jun 2018 Panel meeting 245, minute 7 secas@example\.org \d+ \w{3} \d{4} \d\d:\d\d$/);
      // Beta has 500 outstanding and no allowance in force, so it is left out; Alpha's 900 at 100 a
      // WD take 9 WD after Mon 07-16 (17–20, 23–27): Fri 27 Jul 2018.
      assert.match(
        text(page.text),
        new RegExp(`27 Jul 2018 ?, leaving out ${BETA} \\(no allowance\\) The first Working Day by which every User with an allowance`),
      );

      const whatIf = await panel.get('/deadline?proposed=2018-08-31');
      // The page shows the service's figures, formatted: the plan itself says the same.
      const plan = await planDeadline(t.db.knex, { proposed: '2018-08-31' });
      const alpha = plan.proposal?.users.find((u) => u.userId === ALPHA);
      assert.ok(alpha);
      // As of 07-16: Alpha has 900 left, rate (1000 − 900) / 10 = 10; to Fri 08-31 there are 33 WD
      // (17–20, 23–27, 30–31 = 11; August 22): required 900 / 33 = 27.3 ≤ allowance 100; 900 / 10 =
      // 90 WD after 07-16 (July 11, August 22, September 20, October 23 → 76, Nov 1–2, 5–9, 12–16,
      // 19, 20) is 2018-11-20, after 08-31 → AMBER. Beta: 500 at both snapshots, rate 0 → RED no
      // progress (no allowance, so rule 3 is skipped); required 500 / 33 = 15.2.
      assert.deepEqual([alpha.wdRemaining, alpha.projectedCompletion, alpha.rag], [33, '2018-11-20', 'AMBER']);
      // Now, against 30 Mar 2019, Alpha's 20 Nov 2018 is in time (GREEN): Alpha is the one that changes.
      // RED first: Beta, then Alpha. The 33 WD are said once, above the table.
      assert.deepEqual(tableRows(whatIf, 'whatif-table'), [
        `${BETA} RED no progress RED no progress 500 — 15.2 —`,
        `Alpha Energy ${ALPHA} GREEN on track AMBER projected after deadline changes 900 100 27.3 20 Nov 2018`,
      ]);
      assert.match(text(whatIf.text), /With the deadline 31 Aug 2018 \(a Friday\), as of the snapshot of 16 Jul 2018: RED 1 · AMBER 1 · GREEN 0\./);
      assert.match(text(whatIf.text), /Working Days from the snapshot of 16 Jul 2018 to 31 Aug 2018: 33 ?\./);
      assert.match(text(whatIf.text), /1 User changes: Alpha Energy: GREEN → AMBER/);

      const wrong = await panel.get('/deadline?proposed=2018-09-31');
      assert.equal(wrong.status, 422);
      assert.match(
        wrong.text,
        /id="whatif-proposed-error"><span class="visually-hidden">Error:<\/span> &quot;2018-09-31&quot; is not a real date written YYYY-MM-DD/,
      );
    });

    it('lets SECAS change settings, and add and remove bank holidays, from their pages', async () => {
      const secas = as.get('secas')!;
      const refused = await submit(secas, '/settings', '/settings', { 'rate-window': '0', 'report-classification': 'AMBER' });
      assert.equal(refused.status, 422);
      assert.match(
        refused.text,
        /id="settings-rate-window-error"><span class="visually-hidden">Error:<\/span> The rate window must be a whole number from 1 to 250\./,
      );
      assert.match(refused.text, /id="settings-rate-window" name="rate-window" type="text" class="input-short" value="0"/);
      await submit(secas, '/settings', '/settings', { 'rate-window': '12', 'report-classification': 'GREEN' });
      const settings = await secas.get('/settings');
      assert.equal(flashOf(settings), 'The settings were saved.');
      assert.match(settings.text, /name="rate-window" type="text" class="input-short" value="12"/);
      assert.match(settings.text, /<option value="GREEN" selected>GREEN<\/option>/);
      // The most Users a snapshot may name: shown with its meaning, and changed like the others.
      assert.match(
        settings.text,
        /<label for="settings-max-users">Most Users in one snapshot<\/label>\s*<p class="hint" id="settings-max-users-hint">A snapshot naming more distinct responsible Users than this is refused whole/,
      );
      assert.match(settings.text, /name="max-users" type="text" class="input-short" value="1000"/);
      await submit(secas, '/settings', '/settings', { 'max-users': '250' });
      assert.match((await secas.get('/settings')).text, /name="max-users" type="text" class="input-short" value="250"/);

      const weekend = await submit(secas, '/settings/holidays', '/settings/holidays', { date: '2027-06-05', name: 'Saturday' });
      assert.equal(weekend.status, 422);
      assert.match(weekend.text, /2027-06-05 is a Saturday; weekends are never Working Days/);
      // The list shows a year at a time; a change lands on the year of its day.
      const added = await submit(secas, '/settings/holidays', '/settings/holidays', { date: '2027-06-07', name: 'Extra day' });
      assert.equal(added.location, '/settings/holidays?year=2027#listed');
      const year2027 = await secas.get('/settings/holidays?year=2027');
      assert.equal(flashOf(year2027), '2027-06-07 (Extra day) is now a bank holiday, not a Working Day.');
      assert.match(text(year2027.text), /7 Jun 2027 Monday Extra day added by SECAS/);
      assert.match(year2027.text, /<a href="\/settings\/holidays\?year&#x3D;2027#listed" aria-current="page">2027/);
      assert.doesNotMatch(year2027.text, /datetime="2026-/, 'one year at a time');
      assert.match((await secas.get('/settings/holidays?year=2022')).text, /datetime="2022-09-19"/);
      const removed = await submit(secas, '/settings/holidays', '/settings/holidays/remove', { date: '2022-09-19', confirm: 'yes' });
      assert.equal(removed.location, '/settings/holidays?year=2022#listed');
      const year2022 = await secas.get('/settings/holidays?year=2022');
      assert.equal(flashOf(year2022), "2022-09-19 (Queen Elizabeth's Funeral Day) is a Working Day again.");
      assert.match(text(year2022.text), /29 Aug 2022 Monday Summer bank holiday shipped/);
      assert.doesNotMatch(year2022.text, /datetime="2022-09-19"/);

      const map = await upload(secas, '/settings/map-register', '/settings/map-register/import', 'maps.csv', 'map_id,name\nab12,Meters R Us\n');
      assert.equal(map.status, 303);
      assert.match(text((await secas.get('/settings/map-register')).text), /AB12 Meters R Us/);
    });
  });
}
