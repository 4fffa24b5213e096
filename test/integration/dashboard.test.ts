// The overview and User pages: the engine's figures as people read them, filters and sorting that
// work without JavaScript, and pages that change the moment the data does (nothing stale is served
// from the dashboard's caches), on SQLite and MySQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../server/auth/roles.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';
const GAMMA = '90-B3-D5-1F-30-01-00-0C';

/** The User table's rows as "name | ESME out | GSME out | % | change | RAG" (the overview's table also shows status and total). */
function tableRows(html: string): string[] {
  const body = /<table class="data-table overview-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr data-rag="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[2]!.matchAll(/<(?:th|td)[^>]*>([\s\S]*?)<\/(?:th|td)>/g)].map((c) =>
      c[1]!
        .replace(/<br>[\s\S]*$/, '')
        .replace(/<[^>]+>/g, '')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    // User, Status, Outstanding, ESME, GSME, % complete, Change, …
    return [cells[0], cells[3], cells[4], cells[5], cells[6], m[1]].join(' | ').replace(/&amp;/g, '&');
  });
}

for (const kind of databaseKinds) {
  describe(`the dashboard on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as: Map<Role, TestClient>;

    before(async () => {
      t = await kind.create();
      await seedUsers(t.db.knex, [
        { userId: ALPHA, name: 'Alpha & Omega' },
        { userId: BETA, name: 'Beta' },
        { userId: GAMMA, name: 'Gamma' },
      ]);
      await seedDeadline(t.db.knex, '2018-12-31');
      // Two snapshots 10 WDs apart (Mon 2 Jul → Mon 16 Jul 2018).
      // Alpha: 1,000 ESME + 500 GSME; 100 → 400 done: rate 30/WD; 1,100 left, 119 WDs to 31 Dec → 9.2/WD needed: GREEN on track.
      // Beta: 2,000 ESME, none done either time: RED "no progress".
      // Gamma: 300 ESME, all done by 16 Jul: GREEN complete.
      await seedSnapshot(t.db.knex, '2018-07-02', {
        [ALPHA]: { esme: [1000, 100], gsme: [500, 0] },
        [BETA]: { esme: [2000, 0] },
        [GAMMA]: { esme: [300, 150] },
      });
      await seedSnapshot(t.db.knex, '2018-07-16', {
        [ALPHA]: { esme: [1000, 300], gsme: [500, 100] },
        [BETA]: { esme: [2000, 0] },
        [GAMMA]: { esme: [300, 300] },
      });
      await addRoleAccounts(t.db.knex);
      server = await startTestServer(t.url);
      as = await loggedInClients(server.url);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('shows the programme totals and every User with its RAG, worst first', async () => {
      const page = await as.get('panel')!.get('/?asOf=2018-07-31');
      assert.equal(page.status, 200);
      // In scope 1,500 + 2,000 + 300 = 3,800; done 400 + 0 + 300 = 700; outstanding 3,100.
      assert.match(page.text, /Meters in scope<\/span><span class="card-value">3,800</);
      assert.match(page.text, /MAP IDs backfilled<\/span><span class="card-value">700</);
      assert.match(page.text, /Outstanding<\/span><span class="card-value">3,100</);
      assert.deepEqual(tableRows(page.text), [
        'Beta | 2,000 | 0 | 0.0 | — | RED',
        'Alpha & Omega | 700 | 400 | 26.7 | — | GREEN',
        'Gamma | 0 | 0 | 100.0 | — | GREEN',
      ]);
    });

    it('filters by RAG and flag and sorts by any column, all as plain links', async () => {
      const red = await as.get('dcc')!.get('/?asOf=2018-07-31&rag=RED');
      assert.deepEqual(
        tableRows(red.text).map((r) => r.split(' | ')[0]),
        ['Beta'],
      );
      assert.match(red.text, /Showing 1 of 3 Users: <strong>status RED<\/strong>\./);
      const byEsme = await as.get('dcc')!.get('/?asOf=2018-07-31&sort=esme&dir=desc');
      assert.deepEqual(
        tableRows(byEsme.text).map((r) => r.split(' | ')[0]),
        ['Beta', 'Alpha & Omega', 'Gamma'],
      );
      // Sorted descending now; the heading's link sorts the other way (Handlebars writes = as &#x3D;).
      assert.match(byEsme.text, /<th scope="col" class="col-esme num" aria-sort="descending"><a href="\/\?asOf&#x3D;2018-07-31&amp;sort&#x3D;esme">ESME<\/a>/);
      // No declaration for anyone: every User with a baseline above 0 is NOTIFICATION_MISSING.
      const flagged = await as.get('dcc')!.get('/?asOf=2018-07-31&flag=NOTIFICATION_MISSING');
      assert.deepEqual(
        tableRows(flagged.text)
          .map((r) => r.split(' | ')[0])
          .sort(),
        ['Alpha & Omega', 'Beta', 'Gamma'],
      );
    });

    it('changes the moment the data changes, for a change from anywhere', async () => {
      const before = await as.get('secas')!.get('/?asOf=2018-07-31');
      assert.match(before.text, /Positions as of <strong>16 Jul 2018<\/strong>/);
      // A new snapshot (straight into the tables, as another instance's import would leave it).
      await seedSnapshot(
        t.db.knex,
        '2018-07-30',
        { [ALPHA]: { esme: [1000, 1000], gsme: [500, 500] }, [BETA]: { esme: [2000, 0] }, [GAMMA]: { esme: [300, 300] } },
        { sha256: 'f'.repeat(64) },
      );
      const after = await as.get('secas')!.get('/?asOf=2018-07-31');
      assert.match(after.text, /Positions as of <strong>30 Jul 2018<\/strong>/);
      assert.match(after.text, /Outstanding<\/span><span class="card-value">2,000</);
      // A setting changed through its service (audited). With a 10-WD rate window the rate at 30 Jul
      // is measured from 16 Jul (10 WDs back); with 15 WDs, only 2 Jul (20 WDs back) is far enough.
      const rateFrom = /Rate measured since<\/th><td class="num">([^<]+)</;
      assert.equal(rateFrom.exec((await as.get('secas')!.get(`/users/${ALPHA}?asOf=2018-07-31`)).text)?.[1], '16 Jul 2018');
      await changeSetting(t.db.knex, 'rate-window', '15', { kind: 'cli', name: 'test' });
      assert.equal(rateFrom.exec((await as.get('secas')!.get(`/users/${ALPHA}?asOf=2018-07-31`)).text)?.[1], '2 Jul 2018');
    });

    it('gives each role its own view of a User page, even when it is served from the cache', async () => {
      const dcc = await as.get('dcc')!.get(`/users/${BETA}?asOf=2018-07-31`);
      const panel = await as.get('panel')!.get(`/users/${BETA}?asOf=2018-07-31`);
      assert.match(dcc.text, /<a href="\/snapshots\/\d+">16 Jul 2018<\/a>/);
      assert.doesNotMatch(panel.text, /href="\/snapshots\//, 'the Panel does not see snapshot pages');
      assert.match(panel.text, /panel@example\.org/);
      assert.doesNotMatch(panel.text, /dcc@example\.org/);
      assert.match(
        panel.text,
        /<span class="rag rag-RED">RED<\/span> <span class="rag-reason">No progress: outstanding MAP IDs have not fallen since the snapshot the rate is measured from\.<\/span>/,
      );
    });

    it('says what to do when there is nothing to show, and 404s an unknown User', async () => {
      const empty = await as.get('dcc')!.get('/?asOf=2018-01-31');
      assert.match(empty.text, /There are no positions to show yet\./);
      // A date before the first snapshot is not a new installation: the engine's sentence says why.
      assert.match(empty.text, /There is no snapshot with an as-of date on or before 2018-01-31\./);
      assert.match(empty.text, /<a href="\/snapshots">First snapshot<\/a>/);
      assert.equal((await as.get('panel')!.get('/users/90-B3-D5-1F-30-01-00-FF')).status, 404);
      assert.equal((await as.get('panel')!.get('/users/not-an-id')).status, 404);
    });
  });
}
