// Every page stays bounded whatever the data holds (issue 13): at the limit of 1,000 Users and at
// 3,000 (data stored before the limit, or a raised setting), every list page a role may open
// answers well under 1.5 MB, pages its list a hundred rows at a time with links that work and keep
// the sort and filter, and the totals above a paged table still count every User — on SQLite and
// MySQL. How fast they answer is bench:pages's to measure, not a test's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databaseKinds, type DatabaseKind, type TestDatabase } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { listPagePaths } from '../helpers/list-pages.ts';
import { scaleUserId, seedAtScale, type ScaleOptions, type SeededProgramme } from '../helpers/seed-at-scale.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const MAX_BYTES = 1.5 * 1024 * 1024;

/** The list pages each role may open, of listPagePaths's twenty. */
const OPENS: Record<Role, number> = { secas: 20, panel: 8, dcc: 10 };

/** An href as the page writes it, as the browser reads it. */
const decoded = (href: string): string => href.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

const number = (text: string): number => Number(text.replace(/,/g, ''));

/** The navigation of pages labelled `label`: its current page and the link to the next. */
function pager(html: string, label: string): { current: number | null; next: string | null } {
  const nav = new RegExp(`<nav class="pagination" aria-label="${label}">[\\s\\S]*?</nav>`).exec(html)?.[0];
  if (!nav) return { current: null, next: null };
  const current = /aria-current="page"><span class="visually-hidden">Page <\/span>(\d+)</.exec(nav)?.[1];
  const next = /<a href="([^"]+)" rel="next">/.exec(nav)?.[1];
  return { current: current ? Number(current) : null, next: next ? decoded(next) : null };
}

/** The User table's rows on the overview as [name, ESME outstanding, RAG] (its columns: User, Status, Outstanding, ESME, …). */
function overviewRows(html: string): Array<[string, number, string]> {
  const body = /<table class="data-table overview-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr data-rag="(\w+)">([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[2]!.matchAll(/<(?:th|td)[^>]*>([\s\S]*?)<\/(?:th|td)>/g)].map((c) =>
      c[1]!
        .replace(/<br>[\s\S]*$/, '')
        .replace(/<[^>]+>/g, '')
        .trim(),
    );
    return [cells[0]!.replace(/&amp;/g, '&'), number(cells[3]!), m[1]!];
  });
}

function card(html: string, label: string): number {
  return number(new RegExp(`${label}</span><span class="card-value">([\\d,]+)<`).exec(html)?.[1] ?? 'NaN');
}

interface Served {
  t: TestDatabase;
  as: Map<Role, TestClient>;
  seeded: SeededProgramme;
}

/**
 * A programme of `options`' size served to a logged-in client per role, for the describe block
 * that calls it (in its body): its fields are set before the block's tests run (by a hook that runs
 * before the block's own), and the server stopped and the database dropped after them.
 */
function servedProgramme(kind: DatabaseKind, options: ScaleOptions): Served {
  const served = {} as Served;
  let server: TestServer | undefined;
  before(async () => {
    served.t = await kind.create();
    served.seeded = await seedAtScale(served.t.db.knex, options);
    await addRoleAccounts(served.t.db.knex);
    server = await startTestServer(served.t.url, { LOGIN_RATE_LIMIT: '1000' });
    served.as = await loggedInClients(server.url);
  });
  after(async () => {
    await server?.stop();
    await served.t?.drop();
  });
  return served;
}

for (const kind of databaseKinds) {
  for (const users of [1000, 3000]) {
    describe(`bounded pages at ${users.toLocaleString('en-GB')} Users on ${kind.name}`, { skip: kind.skip }, () => {
      let t: TestDatabase;
      let as: Map<Role, TestClient>;
      let seeded: SeededProgramme;
      const programme = servedProgramme(kind, {
        users,
        snapshots: 4,
        rejectedRows: 250,
        auditRows: 250,
        jobRuns: 250,
        mapEntries: 250,
        refusedImports: 12,
        reasonsPerRefusal: 1001,
        reportMonths: 30,
        accounts: 250,
        tokens: 250,
      });
      before(() => ({ t, as, seeded } = programme));

      it('answers every list page a role may open in well under 1.5 MB', async () => {
        for (const role of ROLES) {
          let opened = 0;
          for (const path of listPagePaths(seeded)) {
            const page = await as.get(role)!.get(path);
            assert.ok(page.status === 200 || page.status === 403, `${path} as ${role}: ${page.status}`);
            if (page.status === 403) continue;
            opened += 1;
            const bytes = Buffer.byteLength(page.text);
            assert.ok(bytes < MAX_BYTES, `${path} as ${role} is ${bytes.toLocaleString('en-GB')} bytes`);
          }
          assert.equal(opened, OPENS[role], `${role} opens every list page it may`);
        }
      });

      it('pages the overview’s User table, keeping sort and filter, while the totals count every User', async () => {
        const panel = as.get('panel')!;
        const first = await panel.get('/?sort=name');
        assert.equal(overviewRows(first.text).length, 100);
        assert.match(first.text, new RegExp(`Users 1–100 of ${users.toLocaleString('en-GB')}\\.`));
        // Every tenth User is unregistered, named by its ID, which sorts before the names.
        assert.equal(overviewRows(first.text)[0]![0], scaleUserId(9));
        const { current, next } = pager(first.text, 'Pages of Users');
        assert.equal(current, 1);
        assert.equal(next, '/?sort=name&page=2#users-title');
        const second = await panel.get(next);
        assert.equal(pager(second.text, 'Pages of Users').current, 2);
        const names = overviewRows(second.text).map(([name]) => name);
        if (users === 1000) {
          // Page 2 goes on from page 1 by name: Supplier 00001 … 00111 less the unregistered ten.
          assert.deepEqual(
            [names[0], names[8], names[9], names.at(-1), names.length],
            ['Supplier 00001 & Co', 'Supplier 00009 & Co', 'Supplier 00011 & Co', 'Supplier 00111 & Co', 100],
          );
        } else {
          // 300 unregistered Users fill pages 1 to 3; page 2 holds the 101st to the 200th of them.
          assert.deepEqual([names[0], names.at(-1), names.length], [scaleUserId(1009), scaleUserId(1999), 100]);
        }

        // The RAG filter and a descending sort survive paging; the page goes on where page 1 stopped.
        const red = await panel.get('/?rag=RED&sort=esme&dir=desc');
        const redCount = number(/<span class="rag rag-RED">RED<\/span>\s*<span class="rag-count">([\d,]+)</.exec(red.text)![1]!);
        assert.ok(redCount > 100, `${redCount} RED Users: more than a page`);
        assert.match(
          red.text,
          new RegExp(`Showing ${redCount.toLocaleString('en-GB')} of ${users.toLocaleString('en-GB')} Users: <strong>status RED</strong>\\.`),
        );
        const redNext = pager(red.text, 'Pages of Users').next!;
        assert.equal(redNext, '/?rag=RED&sort=esme&dir=desc&page=2#users-title');
        const red2 = await panel.get(redNext);
        const [page1, page2] = [overviewRows(red.text), overviewRows(red2.text)];
        assert.ok([...page1, ...page2].every(([, , rag]) => rag === 'RED'));
        assert.ok(page1.at(-1)![1] >= page2[0]![1], 'ESME outstanding keeps falling from page 1 to page 2');
        assert.equal(new Set([...page1, ...page2].map(([name]) => name)).size, page1.length + page2.length, 'no User on both pages');
        // A sort link starts again at page 1 but keeps the filter.
        assert.match(red2.text, /<a href="\/\?rag&#x3D;RED&amp;sort&#x3D;name">User<\/a>/);

        // The totals and counts above the table count every User, on every page.
        const newest = seeded.snapshots.at(-1)!.id;
        const sums = (await t.db.knex('snapshot_counts').where({ snapshot_id: newest }).sum({ inScope: 'in_scope', completed: 'completed' }).first()) as {
          inScope: number | string;
          completed: number | string;
        };
        for (const page of [first, second, red2]) {
          assert.equal(card(page.text, 'Meters in scope'), Number(sums.inScope));
          assert.equal(card(page.text, 'MAP IDs backfilled'), Number(sums.completed));
          const rag = [...page.text.matchAll(/<span class="rag-count">([\d,]+)</g)].map((m) => number(m[1]!));
          assert.equal(
            rag.reduce((a, b) => a + b, 0),
            users,
          );
        }
        // The last page holds the rest.
        const last = await panel.get(`/?sort=name&page=${users / 100}`);
        assert.equal(overviewRows(last.text).length, 100);
        assert.equal(pager(last.text, 'Pages of Users').next, null);
      });

      it('pages every other long list with links that work', async () => {
        const newest = seeded.snapshots.at(-1)!.id;
        const lists: Array<{ role: Role; path: string; label: string; size?: number }> = [
          { role: 'dcc', path: '/users', label: 'Pages of the Users register' },
          { role: 'dcc', path: '/users/declarations', label: 'Pages of declarations' },
          { role: 'dcc', path: '/users/allowances', label: 'Pages of allowances' },
          { role: 'dcc', path: `/snapshots/${newest}?page=2`, label: 'Pages of Users' },
          { role: 'secas', path: `/snapshots/${newest}`, label: 'Pages of rejected rows' },
          { role: 'panel', path: '/deadline?proposed=2021-06-30', label: 'Pages of Users' },
          { role: 'panel', path: '/reports', label: 'Pages of reports', size: 24 },
          { role: 'secas', path: '/settings/map-register', label: 'Pages of the MAP register' },
          { role: 'secas', path: '/settings/accounts', label: 'Pages of accounts' },
          { role: 'secas', path: '/settings/tokens', label: 'Pages of API tokens' },
          { role: 'secas', path: '/audit', label: 'Pages of the audit log' },
          { role: 'secas', path: '/jobs?job=inbox', label: 'Pages of job runs' },
        ];
        for (const { role, path, label, size = 100 } of lists) {
          const first = await as.get(role)!.get(path);
          const { current, next } = pager(first.text, label);
          assert.equal(current, 1, `${path}: page 1 of "${label}" is marked current`);
          assert.ok(next, `${path}: a link to page 2`);
          const second = await as.get(role)!.get(next);
          assert.equal(second.status, 200, next);
          assert.equal(pager(second.text, label).current, 2, `${next} is page 2`);
          // What the list says it shows, said last before its navigation (a page may have two lists).
          const before = second.text.slice(0, second.text.indexOf(`aria-label="${label}"`));
          const shown = [...before.matchAll(/(\d[\d,]*)–(\d[\d,]*) of (\d[\d,]*)/g)].at(-1);
          assert.ok(shown, `${next} says which rows it shows`);
          const [from, to, total] = shown.slice(1).map(number) as [number, number, number];
          assert.deepEqual([from, to], [size + 1, Math.min(2 * size, total)], `${next} shows the rows after page 1's`);
        }
        // Paging one list of a snapshot keeps the other's page; paging jobs keeps the job.
        const snapshotNext = pager((await as.get('dcc')!.get(`/snapshots/${newest}?page=2`)).text, 'Pages of Users').next;
        assert.equal(snapshotNext, `/snapshots/${newest}?page=2&userPage=2#counts-title`);
        assert.equal(pager((await as.get('secas')!.get('/jobs?job=inbox')).text, 'Pages of job runs').next, '/jobs?job=inbox&page=2');
        // The snapshot's All Users row counts every User, whatever page of Users is shown.
        const counts = (await as.get('dcc')!.get(`/snapshots/${newest}?userPage=3`)).text;
        const allUsers = /<th scope="row">All Users<\/th>\s*<td class="num">([\d,]+)</.exec(counts)?.[1];
        const sum = (await t.db.knex('snapshot_counts').where({ snapshot_id: newest, fuel: 'ESME' }).sum({ n: 'in_scope' }).first()) as { n: number | string };
        assert.equal(number(allUsers!), Number(sum.n));
        // The what-if counts cover every User on every page of its table.
        const whatIf = (await as.get('panel')!.get('/deadline?proposed=2021-06-30&page=3')).text;
        const summary = /<p id="whatif-summary">[\s\S]*?<\/p>/.exec(whatIf)![0];
        const ragCounts = [...summary.matchAll(/<\/span> ([\d,]+)/g)].map((m) => number(m[1]!));
        assert.equal(
          ragCounts.reduce((a, b) => a + b, 0),
          users,
        );
      });

      it('asks for the User of a declaration by ID or name, suggesting Users only while the list stays small', async () => {
        const dcc = as.get('dcc')!;
        const page = await dcc.get('/users/declarations');
        const suggestions = [...page.text.matchAll(/<option value="/g)].length;
        assert.doesNotMatch(page.text, /<select id="record-user_id"/);
        // Up to 1,000 Users the browser suggests them as one types; beyond, the list would weigh more than the page.
        assert.equal(suggestions, users <= 1000 ? users : 0);
        const token = await dcc.csrfToken('/users/declarations');
        const saved = await dcc.postForm('/users/declarations', { _csrf: token, user_id: 'supplier 00002 & co', count: '4321', received_on: '2018-07-05' });
        assert.equal(saved.status, 303);
        const stored = await t.db
          .knex('declarations')
          .where({ user_id: scaleUserId(1) })
          .first();
        assert.equal(Number(stored.count), 4321);
      });
    });
  }

  describe(`a long history on ${kind.name}`, { skip: kind.skip }, () => {
    let as: Map<Role, TestClient>;
    let seeded: SeededProgramme;
    const programme = servedProgramme(kind, { users: 3, snapshots: 150 });
    before(() => ({ as, seeded } = programme));

    it('pages a User’s snapshots and the snapshot list, while its chart draws every snapshot', async () => {
      const userId = seeded.userIds[2]!;
      const first = await as.get('dcc')!.get(`/users/${userId}`);
      const rowsOf = (html: string): string[] => [...html.matchAll(/<tr><td><a href="\/snapshots\/(\d+)">/g)].map((m) => m[1]!);
      assert.equal(rowsOf(first.text).length, 100);
      assert.equal(rowsOf(first.text)[0], String(seeded.snapshots.at(-1)!.id), 'newest first');
      const chart = JSON.parse(/<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(first.text)![1]!) as {
        user: { history: unknown[] };
      };
      assert.equal(chart.user.history.length, 150);
      const next = pager(first.text, 'Pages of snapshots').next!;
      assert.equal(next, `/users/${userId}?page=2#snapshots-title`);
      const second = await as.get('dcc')!.get(next);
      assert.deepEqual(
        rowsOf(second.text),
        seeded.snapshots
          .slice(0, 50)
          .map((s) => String(s.id))
          .reverse(),
      );

      const list = await as.get('dcc')!.get('/snapshots');
      assert.match(list.text, /Snapshots 1–100 of 150\./);
      const listNext = pager(list.text, 'Pages of snapshots').next!;
      assert.match((await as.get('dcc')!.get(listNext)).text, /Snapshots 101–150 of 150\./);
    });
  });
}
