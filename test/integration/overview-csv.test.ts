// The overview's table as CSV (issue 18): exactly the rows the page lists with its filter and
// as-of date, the columns it shows, the figures as it shows them — numbers worked out by hand in
// test/fixtures/overview-programme.ts — on SQLite and MySQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../server/auth/roles.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { OVERVIEW_CSV_HEADER, OVERVIEW_CSV_ROWS as ROW, seedOverviewProgramme } from '../fixtures/overview-programme.ts';

const lines = (csv: string): string[] => csv.split('\r\n').filter((line) => line !== '');

for (const kind of databasesFor('sql')) {
  describe(`the overview as CSV on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as: Map<Role, TestClient>;

    before(async () => {
      t = await kind.create();
      await seedOverviewProgramme(t.db.knex);
      await addRoleAccounts(t.db.knex);
      server = await startTestServer(t.url);
      as = await loggedInClients(server.url);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('lists every User the table shows, in its order, with its columns and figures', async () => {
      const csv = await as.get('panel')!.get('/overview.csv?asOf=2019-12-20');
      assert.equal(csv.status, 200);
      assert.match(String(csv.headers.get('content-type')), /^text\/csv; charset=utf-8/);
      assert.match(String(csv.headers.get('content-disposition')), /attachment; filename="?overview-2019-11-29\.csv"?$/);
      assert.deepEqual(lines(csv.text), [OVERVIEW_CSV_HEADER, ROW.birch, ROW.alder, ROW.elm, ROW.cedar]);
    });

    it('keeps the filter and the sort of the page it is downloaded from', async () => {
      const green = await as.get('dcc')!.get('/overview.csv?asOf=2019-12-20&rag=GREEN');
      assert.deepEqual(lines(green.text), [OVERVIEW_CSV_HEADER, ROW.elm, ROW.cedar]);
      const late = await as.get('secas')!.get('/overview.csv?asOf=2019-12-20&flag=NOTIFICATION_LATE');
      assert.deepEqual(lines(late.text), [OVERVIEW_CSV_HEADER, ROW.elm]);
      const byOutstanding = await as.get('secas')!.get('/overview.csv?asOf=2019-12-20&sort=outstanding');
      assert.deepEqual(lines(byOutstanding.text), [OVERVIEW_CSV_HEADER, ROW.cedar, ROW.elm, ROW.alder, ROW.birch]);
      // The page links to the same file, filter and date kept.
      const page = await as.get('panel')!.get('/?asOf=2019-12-20&rag=GREEN');
      assert.match(page.text, /<a href="\/overview\.csv\?asOf&#x3D;2019-12-20&amp;rag&#x3D;GREEN" class="csv-link">Download this table as CSV<\/a>/);
    });

    it('answers as of the date asked: on 20 Nov 2019 only the first snapshot counts', async () => {
      const csv = lines((await as.get('panel')!.get('/overview.csv?asOf=2019-11-20')).text);
      // 15 Nov: Birch 1,500, Alder 1,200, Elm 300, Cedar 150 outstanding; no rate yet, so every User is AMBER.
      assert.deepEqual(
        csv.slice(1).map((line) => line.split(',').slice(1, 3).concat(line.split(',').at(-10)!)),
        [
          ['Birch Power', 'AMBER', '1500'],
          ['Alder Energy', 'AMBER', '1200'],
          ['Elm Energy', 'AMBER', '300'],
          ['Cedar Gas', 'AMBER', '150'],
        ],
      );
    });

    it('refuses a malformed date, and says there is nothing before the first snapshot', async () => {
      const bad = await as.get('panel')!.get('/overview.csv?asOf=2019-13-01');
      assert.equal(bad.status, 422);
      assert.match(bad.text, /asOf must be a real date written YYYY-MM-DD/);
      assert.equal((await as.get('panel')!.get('/overview.csv?asOf=2019-01-01')).status, 404);
    });
  });
}
