// Every role in the browser: logs in, opens every page it may (each one populated, with no console
// error, no accessibility problem above "minor" found by axe-core, and no sideways scrolling at
// 1366×768 or at phone width), is usable from the keyboard alone, is refused a page it may not,
// and does its own work: SECAS records a deadline and publishes a report, the Panel downloads it,
// the DCC and SECAS upload a snapshot with both progress bars moving.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { buildApp } from '../../server/app.ts';
import { isAllowed } from '../../server/auth/access.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { parseConfig } from '../../server/config.ts';
import { createViewRenderer } from '../../server/templates/views.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { generateReport } from '../../server/reports/generate-report.ts';
import { generateInventory } from '../../bench/scan/generate-inventory.ts';
import { addDays } from '../../server/engine/calendar.ts';
import { addRoleAccounts, emailOf, ROLE_PASSWORD } from '../helpers/accounts.ts';
import { axeViolations, openBrowser, pageProblems, roleSessions } from '../helpers/browser.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { ROOT } from '../helpers/processes.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { readBars, throttleUploads } from '../helpers/upload-bars.ts';

const ARTIFACTS = path.join(ROOT, 'test/artifacts/roles');
const USERS = Array.from({ length: 8 }, (_, i) => ({
  userId: `90-B3-D5-1F-30-01-00-${(0x20 + i).toString(16).toUpperCase()}`,
  name: i === 0 ? 'Alpha & "Omega" <Energy>' : `Supplier ${i + 1}`,
}));

async function seedProgramme(t: TestDatabase): Promise<{ snapshotId: number }> {
  await seedUsers(t.db.knex, USERS);
  await seedDeadline(t.db.knex, '2019-06-28', 'Panel meeting 12, minute 4');
  let asOf = '2018-07-02';
  let snapshotId = 0;
  for (let s = 0; s < 12; s++) {
    const counts = Object.fromEntries(
      USERS.map((u, i): [string, { esme: [number, number]; gsme: [number, number] }] => {
        const size = Math.round(40_000 / (i + 1));
        const done = Math.min(1, s * [0.09, 0.05, 0.02, 0, 0.07, 0.12, 0.04, 0.1][i]!);
        return [u.userId, { esme: [size, Math.round(size * done)], gsme: [Math.round(size / 2), Math.round((size / 2) * done)] }];
      }),
    );
    snapshotId = await seedSnapshot(t.db.knex, asOf, counts, { sha256: String(s).padStart(64, 'b'), rows: 90_000, rejected: 3 });
    asOf = addDays(asOf, 14);
  }
  return { snapshotId };
}

// The browser's side, on SQLite: what the pages read and the forms store runs on MySQL in the
// integration tests (pages, admin-pages, programme-pages, reports, snapshots-web, role-matrix).
for (const kind of databasesFor('not-sql')) {
  describe(`every role in the browser on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let browser: Browser;
    let snapshotId: number;
    let pagesFor: (role: Role) => string[];

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      t = await kind.create();
      ({ snapshotId } = await seedProgramme(t));
      await addRoleAccounts(t.db.knex);
      const reportBrowser = new BrowserManager(process.env.CHROME_PATH, createLogger('silent'));
      await generateReport({ knex: t.db.knex, views: createViewRenderer(), browser: reportBrowser, logger: createLogger('silent') }, '2018-10', {
        kind: 'system',
        name: 'test',
      });
      await reportBrowser.close();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      browser = await openBrowser();
      // The pages each role may open, read from the app's own route table.
      const built = buildApp({ config: { ...parseConfig({ DATABASE_URL: t.url }), sessionSecret: 'x'.repeat(40) }, db: t.db, logger: createLogger('silent') });
      await built.close();
      const pages = built.routes.filter(
        (r) => r.method === 'get' && !('public' in r.access) && !r.path.startsWith('/api/') && !/\.(csv|pdf)$|export|import-progress/.test(r.path),
      );
      pagesFor = (role) =>
        pages
          .filter((r) => isAllowed(r.access, role))
          .map((r) => r.path.replace(':userId', USERS[1]!.userId).replace(':id', String(snapshotId)).replace(':month', '2018-10'));
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await t?.drop();
    });

    const sessions = roleSessions(
      () => browser,
      () => server.url,
    );
    const loggedIn = (role: Role): Promise<Page> => sessions.loggedIn(role);

    for (const role of ROLES) {
      it(`${role}: every page it may open is populated, clean and accessible, at desktop and phone width`, async () => {
        const page = await loggedIn(role);
        const problems = pageProblems(page);
        const paths = pagesFor(role);
        assert.ok(paths.length >= 3, paths.join(' '));
        for (const p of paths) {
          await page.setViewport({ width: 1366, height: 768 });
          const response = await page.goto(`${server.url}${p}`);
          assert.equal(response?.status(), 200, p);
          const main = await page.$eval('main', (el) => el.textContent ?? '');
          assert.ok(main.trim().length > 80, `${p} has content`);
          assert.deepEqual(await axeViolations(page), [], `axe on ${p}`);
          const desktopOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(desktopOverflow <= 1, `${p} scrolls sideways by ${desktopOverflow}px at 1366×768`);
          const name = `${role}${p.replace(/[/:]+/g, '-').replace(/-$/, '') || '-overview'}`;
          await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
          await page.setViewport({ width: 390, height: 844 });
          await page.reload();
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) await page.screenshot({ path: path.join(ARTIFACTS, `${name}-phone.png`), fullPage: true });
          assert.ok(overflow <= 1, `${p} scrolls sideways by ${overflow}px at phone width`);
        }
        assert.deepEqual(problems, []);
        const forbidden = { secas: null, panel: '/settings', dcc: '/reports' }[role];
        if (forbidden) {
          const response = await page.goto(`${server.url}${forbidden}`);
          assert.equal(response?.status(), 403);
          assert.match(await page.$eval('h1', (h) => h.textContent ?? ''), /You do not have access to this page/);
        }
        await page.close();
      });
    }

    it('works from the keyboard alone: log in, skip the navigation, reach every menu item and sort the table', async () => {
      const page = await (await browser.createBrowserContext()).newPage();
      await page.setViewport({ width: 1366, height: 768 });
      const focused = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const style = getComputedStyle(el);
          return {
            id: el.id,
            text: (el.textContent ?? '').trim(),
            href: el.getAttribute('href'),
            inTableHead: el.closest('table.overview-table thead') !== null,
            inMenu: el.closest('.main-nav') !== null,
            shown: style.outlineStyle !== 'none' || style.boxShadow !== 'none',
          };
        });
      const tabTo = async (wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, what: string) => {
        for (let i = 0; i < 80; i++) {
          await page.keyboard.press('Tab');
          const f = await focused();
          if (wanted(f)) return f;
        }
        assert.fail(`Tab never reached ${what}`);
      };

      await page.goto(`${server.url}/login`);
      await tabTo((f) => f.id === 'email', 'the e-mail field');
      await page.keyboard.type(emailOf('panel'));
      await page.keyboard.press('Tab');
      assert.equal((await focused()).id, 'password');
      await page.keyboard.type(ROLE_PASSWORD);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).pathname, '/');

      // The first Tab shows the skip link; Enter takes focus past the navigation into the page.
      await page.keyboard.press('Tab');
      const skip = await focused();
      assert.deepEqual([skip.text, skip.shown], ['Skip to main content', true]);
      assert.ok(await page.$eval('.skip-link', (a) => a.getBoundingClientRect().left >= 0), 'the skip link comes into view when focused');
      await page.keyboard.press('Enter');
      assert.equal((await focused()).id, 'main');

      // From the top, Tab reaches every item of the menu, each with a visible focus indicator.
      await page.reload();
      const menu = await page.$$eval('.main-nav a', (links) => links.map((a) => a.getAttribute('href')));
      const reached: string[] = [];
      for (let i = 0; i < 40 && reached.length < menu.length; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        assert.ok(f.shown, `"${f.text}" shows no focus indicator`);
        if (f.inMenu && f.href) reached.push(f.href);
      }
      assert.deepEqual(reached, menu);

      // Sorting the User table is a link in each column heading: Enter on one sorts by that column.
      const heading = await tabTo((f) => f.inTableHead, 'a column heading of the User table');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      assert.equal(page.url(), new URL(heading.href!, `${server.url}/`).href);
      const sorted = await page.$$eval('table.overview-table thead th[aria-sort]', (ths) =>
        ths.map((th) => [(th.textContent ?? '').trim(), th.getAttribute('aria-sort')]),
      );
      assert.deepEqual(sorted, [[heading.text, 'ascending']]);
      await page.close();
    });

    it('SECAS records a new deadline and publishes the report; the Panel then downloads it', async () => {
      const page = await loggedIn('secas');
      await page.goto(`${server.url}/deadline`);
      await page.type('#deadline-deadline', '2019-09-30');
      await page.$eval('#deadline-decided_on', (input) => ((input as HTMLInputElement).value = ''));
      await page.type('#deadline-decided_on', '2019-01-15');
      await page.type('#deadline-reason', 'Panel meeting 19: moved for the winter freeze');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/deadline"][method="post"] button[type=submit]')]);
      assert.match(await page.$eval('main', (el) => el.textContent ?? ''), /30 Sept? 2019/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'secas-deadline-recorded.png'), fullPage: true });

      // A month with no snapshot is refused beside the field, keeping what was typed.
      await page.goto(`${server.url}/reports`);
      await page.$eval('#month', (input) => ((input as HTMLInputElement).value = ''));
      await page.type('#month', '2001-01');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/reports/generate"] button')]);
      assert.match(await page.$eval('#month-error', (el) => el.textContent ?? ''), /There is no snapshot with an as-of date on or before 2001-01-31/);
      assert.equal(await page.$eval('#month', (input) => (input as HTMLInputElement).value), '2001-01');
      await page.screenshot({ path: path.join(ARTIFACTS, 'secas-report-month-refused.png'), fullPage: false });
      await page.goto(`${server.url}/reports`);
      await Promise.all([page.waitForNavigation(), page.click('form[action$="/publish"] button')]);
      assert.match(await page.$eval('.notice', (el) => el.textContent ?? ''), /is published; Panel members can now see it/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'secas-report-published.png'), fullPage: true });

      const panel = await loggedIn('panel');
      await panel.goto(`${server.url}/reports`);
      const href = await panel.$eval('a[href$=".pdf"]', (a) => a.getAttribute('href'));
      const pdf = await panel.evaluate(async (url) => {
        const res = await fetch(url);
        return { status: res.status, type: res.headers.get('content-type'), head: new TextDecoder().decode((await res.arrayBuffer()).slice(0, 5)) };
      }, href!);
      assert.deepEqual(pdf, { status: 200, type: 'application/pdf', head: '%PDF-' });
    });

    for (const [role, seed, asOf] of [
      ['dcc', 1, '2019-03-01'],
      ['secas', 2, '2019-03-15'],
    ] as const) {
      it(`${role}: uploads a snapshot through the page, watches both bars move, and sees its result`, async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'bfm-roles-upload-'));
        try {
          // About 5 MB, sent at 1.5 MB/s: long enough for both bars to be seen part-way.
          const file = path.join(dir, `smi-${asOf.replaceAll('-', '')}.csv`);
          generateInventory({ rows: 60_000, path: file, seed });
          const page = await loggedIn(role);
          await page.goto(`${server.url}/snapshots`);
          await throttleUploads(page, 1.5 * 1024 * 1024);
          const input = await page.$('#file');
          await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
          let done = false;
          const navigated = page.waitForNavigation({ timeout: 60_000 }).finally(() => (done = true));
          await page.click('#upload-button');
          const seen = { transfer: new Set<number>(), import: new Set<number>() };
          while (!done) {
            const bars = await readBars(page);
            for (const key of ['transfer', 'import'] as const) {
              if (bars && bars[key] > 0 && bars[key] < 100) seen[key].add(bars[key]);
            }
            await new Promise((r) => setTimeout(r, 100));
          }
          await navigated;
          assert.ok(seen.transfer.size >= 2, `transfer bar part-way values: ${[...seen.transfer].join(', ')}`);
          assert.ok(seen.import.size >= 2, `import bar part-way values: ${[...seen.import].join(', ')}`);
          assert.match(new URL(page.url()).pathname, /^\/snapshots\/\d+$/);
          assert.match(await page.$eval('.notice', (el) => el.textContent ?? ''), /^Imported\. [\d,]+ of 60,000 rows were accepted/);
          await page.screenshot({ path: path.join(ARTIFACTS, `${role}-upload-result.png`), fullPage: true });
          await page.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
