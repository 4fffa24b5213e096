// Issue 18, points 2 and 3, in the browser as the roles that use the overview (the Panel, SECAS and
// the DCC): old data is never mistaken for news (a banner on every page showing positions, a passed
// deadline read as passed) and the overview fits on a screen (RAG reasons as tags whose full text
// shows on hover and keyboard focus, flags by label, one line a User, cards on a phone, the filter
// named and cleared, an as-of picker, the table as CSV). Figures worked out by hand in
// test/fixtures/overview-programme.ts; on SQLite and MySQL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { Role } from '../../server/auth/roles.ts';
import { londonToday } from '../../server/engine/calendar.ts';
import { browserSuite, axeViolations, DESKTOP, pageProblems, PHONE, screenshot, sidewaysOverflow } from '../helpers/browser.ts';
import { databasesFor } from '../helpers/databases.ts';
import { seedSnapshot } from '../helpers/seed.ts';
import { ALDER, ELM, OVERVIEW_CSV_HEADER, OVERVIEW_CSV_ROWS as ROW, seedOverviewProgramme } from '../fixtures/overview-programme.ts';

const text = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
const banner = (page: Page): Promise<string | null> =>
  page.evaluate(() => document.querySelector('.banner-stale')?.textContent?.replace(/\s+/g, ' ').trim() ?? null);

for (const kind of databasesFor('sql')) {
  describe(`the overview in daily use on ${kind.name}`, { skip: kind.skip }, () => {
    const suite = browserSuite(kind, (d) => seedOverviewProgramme(d.db.knex));
    const { sessions } = suite;
    const open = async (role: Role, path: string, viewport: { width: number; height: number } = DESKTOP): Promise<Page> => {
      const page = await sessions.loggedIn(role);
      await page.setViewport(viewport);
      const response = await page.goto(`${suite.server.url}${path}`);
      assert.equal(response?.status(), 200, path);
      return page;
    };

    it('Panel: a banner says the data are old past the stale-after setting, with the snapshot’s date and age, and not before', async () => {
      // Newest snapshot Fri 29 Nov 2019; the setting is 15 Working Days. To Fri 20 Dec: 15 WDs (not
      // more than 15: no banner); to Mon 23 Dec: 16 WDs (the banner).
      const fresh = await open('panel', '/?asOf=2019-12-20');
      assert.equal(await banner(fresh), null);
      await fresh.close();
      const old = await open('panel', '/?asOf=2019-12-23');
      assert.equal(
        await banner(old),
        'These figures rest on old data. The newest snapshot is as of 29 Nov 2019, 16 Working Days before 23 Dec 2019 — more than the 15 after which data is called stale. Ask the DCC for a current extract.',
      );
      assert.deepEqual(await axeViolations(old), []);
      await old.close();
      // A User's page as of the same dates says the same.
      const userFresh = await open('panel', `/users/${ALDER}?asOf=2019-12-20`);
      assert.equal(await banner(userFresh), null);
      const userOld = await open('panel', `/users/${ALDER}?asOf=2019-12-23`);
      assert.match((await banner(userOld)) ?? '', /as of 29 Nov 2019, 16 Working Days before 23 Dec 2019/);
      await userFresh.close();
      await userOld.close();
    });

    it('Panel: a passed deadline reads as passed, on the overview and on a User’s page; one ahead, as so many Working Days', async () => {
      // 20 Dec → 31 Dec 2019: 23, 24, 27, 30, 31 Dec = 5 WDs. 31 Dec 2019 → 31 Jan 2020: 23 weekdays less New Year's Day = 22.
      const ahead = await open('panel', '/?asOf=2019-12-20');
      assert.match(await text(ahead, '.lead'), /Panel deadline 31 Dec 2019, 5 Working Days after 20 Dec 2019\.$/);
      const passed = await open('panel', '/?asOf=2020-01-31');
      assert.match(await text(passed, '.lead'), /Deadline passed on 31 Dec 2019, 22 Working Days before 31 Jan 2020\.$/);
      const user = await open('panel', `/users/${ALDER}?asOf=2020-01-31`);
      assert.match(await text(user, '.summary-cards'), /Deadline passed on 31 Dec 2019, 22 Working Days before 31 Jan 2020\./);
      const today = await open('panel', '/');
      const lead = await text(today, '.lead');
      assert.match(lead, /Deadline passed on 31 Dec 2019, [\d,]+ Working Days ago\.$/);
      assert.doesNotMatch(lead, /away/);
      for (const page of [ahead, passed, user, today]) await page.close();
    });

    it('Panel: each RAG reason is a short tag whose full text shows on keyboard focus and hover; flags read as labels', async () => {
      const page = await open('panel', '/?asOf=2019-12-20');
      const problems = pageProblems(page);
      const rows = await page.$$eval('.overview-table tbody tr', (trs) =>
        trs.map((tr) => ({
          name: tr.querySelector('th')!.textContent.trim(),
          rag: tr.getAttribute('data-rag'),
          tag: tr.querySelector('.reason-tag')!.textContent.trim(),
          flags: [...tr.querySelectorAll('.flag-labels li')].map((li) => li.textContent.trim()),
          height: tr.getBoundingClientRect().height,
        })),
      );
      assert.deepEqual(
        rows.map((r) => [r.name, r.rag, r.tag, r.flags.join('; ')]),
        [
          ['Birch Power', 'RED', 'Stalled', 'Declaration missing'],
          ['Alder Energy', 'AMBER', 'Behind plan', 'Declaration missing'],
          ['Elm Energy', 'GREEN', 'On track', 'Allowance not confirmed; Declaration late'],
          ['Cedar Gas', 'GREEN', 'Complete', 'Declaration missing'],
        ],
      );
      assert.doesNotMatch(await text(page, '.overview-table'), /NOTIFICATION_|CONFIRMATION_/, 'no flag code is shown');
      // One line a User (a User with more flags, a line or so more each), so forty fit in about two screens.
      for (const r of rows) assert.ok(r.height <= 34 * Math.max(1, r.flags.length), `${r.name}'s row is ${r.height}px tall`);

      const tip = (id: string) =>
        page.$eval(`#${id}`, (el) => ({ shown: getComputedStyle(el).display !== 'none', text: el.textContent.trim(), role: el.getAttribute('role') }));
      const first = await page.$eval('.reason-tag', (b) => ({ tag: b.tagName, describedBy: b.getAttribute('aria-describedby')! }));
      assert.equal(first.tag, 'BUTTON');
      assert.deepEqual(await tip(first.describedBy), {
        shown: false,
        text: 'No progress: outstanding MAP IDs have not fallen since the snapshot the rate is measured from.',
        role: 'tooltip',
      });
      // The keyboard: Tab reaches the tag, and its full text shows; Escape hides it again.
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.classList.contains('reason-tag'))) break;
      }
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-describedby')), first.describedBy);
      assert.equal((await tip(first.describedBy)).shown, true);
      await screenshot(page, 'overview-daily', `${kind.name}-tag-focused`, false);
      assert.deepEqual(await axeViolations(page), [], 'axe with a reason shown');
      await page.keyboard.press('Escape');
      assert.equal((await tip(first.describedBy)).shown, false);
      // The mouse: hovering Alder's tag shows its reason.
      await page.hover(`[aria-describedby="reason-${ALDER}"]`);
      assert.deepEqual(await tip(`reason-${ALDER}`), {
        shown: true,
        text: 'Projected after deadline: at the rate measured, the User would finish after the deadline.',
        role: 'tooltip',
      });
      // The User's page gives the full text beside its status.
      const user = await open('panel', `/users/${ALDER}?asOf=2019-12-20`);
      assert.equal(await text(user, '.status-line'), 'AMBER Projected after deadline: at the rate measured, the User would finish after the deadline.');
      assert.deepEqual(problems, []);
      await user.close();
      await page.close();
    });

    it('DCC: at 390 px each User is a card, RAG first, with nothing to scroll sideways', async () => {
      const page = await open('dcc', '/?asOf=2019-12-20', PHONE);
      assert.equal(await sidewaysOverflow(page), 0);
      // (No named helpers inside the browser's function: the test's compiler would wrap them in a helper the page lacks.)
      const cards = await page.$$eval('.overview-table tbody tr', (trs) =>
        trs.map((tr) => {
          const rag = tr.querySelector('.cell-rag')!.getBoundingClientRect();
          const name = tr.querySelector('th')!.getBoundingClientRect();
          return {
            display: getComputedStyle(tr).display,
            ragAboveName: rag.bottom <= name.top + 1,
            right: Math.max(tr.getBoundingClientRect().right, name.right),
            label: getComputedStyle(tr.querySelector('td[data-label="Outstanding"]')!, '::before').content,
            rag: tr.querySelector('.rag')!.textContent.trim(),
            name: tr.querySelector('th')!.textContent.trim(),
            outstanding: tr.querySelector('td[data-label="Outstanding"]')!.textContent.trim(),
            required: tr.querySelector('td[data-label="Required /WD"]')!.textContent.trim(),
          };
        }),
      );
      for (const c of cards) {
        assert.equal(c.display, 'grid');
        assert.ok(c.ragAboveName, `${c.name}: RAG first`);
        assert.ok(c.right <= PHONE.width, `${c.name}'s card ends at ${c.right}px`);
        assert.equal(c.label, '"Outstanding"');
      }
      assert.deepEqual(
        cards.map((c) => [c.rag, c.name, c.outstanding, c.required]),
        [
          ['RED', 'Birch Power', '1,500', '75.0'],
          ['AMBER', 'Alder Energy', '900', '45.0'],
          ['GREEN', 'Elm Energy', '100', '5.0'],
          ['GREEN', 'Cedar Gas', '0', '0.0'],
        ],
      );
      assert.deepEqual(await axeViolations(page), []);
      await screenshot(page, 'overview-daily', `${kind.name}-phone`);
      await page.close();
    });

    it('Panel: the active filter is named above the table and cleared with one link, the date kept', async () => {
      const page = await open('panel', '/?asOf=2019-12-20&rag=GREEN&flag=NOTIFICATION_LATE');
      assert.equal(await text(page, '.filter-note'), 'Showing 1 of 4 Users: status GREEN and flag “Declaration late”. Clear the filter');
      assert.deepEqual(await page.$$eval('.overview-table tbody th', (ths) => ths.map((th) => th.textContent.trim())), ['Elm Energy']);
      await Promise.all([page.waitForNavigation(), page.click('.filter-note a')]);
      assert.equal(new URL(page.url()).search, '?asOf=2019-12-20');
      assert.equal(await page.$('.filter-note'), null);
      assert.equal((await page.$$('.overview-table tbody tr')).length, 4);
      await page.close();
    });

    it('SECAS: the as-of picker changes the figures and says which snapshot it picked, keeping the filter', async () => {
      const page = await open('secas', '/?rag=AMBER');
      assert.match(await text(page, '#as-of-picks'), /now the snapshot as of 29 Nov 2019\.$/);
      await page.$eval('#as-of', (input) => ((input as HTMLInputElement).value = '2019-11-20'));
      await Promise.all([page.waitForNavigation(), page.click('.as-of-form button[type=submit]')]);
      assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { rag: 'AMBER', asOf: '2019-11-20' });
      // 20 Nov: the snapshot of 15 Nov, 3,150 outstanding; no rate yet, so all four Users are AMBER.
      assert.match(await text(page, '.lead'), /^Positions as of 15 Nov 2019, the newest snapshot on or before 20 Nov 2019\./);
      assert.match(await text(page, '#as-of-picks'), /now the snapshot as of 15 Nov 2019\.$/);
      assert.equal(await page.$eval('#as-of', (input) => (input as HTMLInputElement).value), '2019-11-20');
      assert.match(await text(page, '.summary-cards'), /Outstanding ?3,150/);
      assert.deepEqual(
        await page.$$eval('.overview-table tbody tr', (trs) =>
          trs.map((tr) => `${tr.querySelector('th')!.textContent.trim()} ${tr.querySelector('.reason-tag')!.textContent}`),
        ),
        ['Birch Power Too few snapshots', 'Alder Energy Too few snapshots', 'Elm Energy Too few snapshots', 'Cedar Gas Too few snapshots'],
      );
      await Promise.all([page.waitForNavigation(), page.click('.as-of-form a')]);
      assert.equal(new URL(page.url()).search, '?rag=AMBER');
      assert.deepEqual(await axeViolations(page), []);
      await page.close();
    });

    it('Panel: the CSV link gives exactly the rows and columns shown, with the filter and date', async () => {
      const page = await open('panel', '/?asOf=2019-12-20&rag=GREEN');
      const href = await page.$eval('a.csv-link', (a) => a.getAttribute('href'));
      assert.equal(href, '/overview.csv?asOf=2019-12-20&rag=GREEN');
      const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
      assert.deepEqual(
        csv.split('\r\n').filter((line) => line !== ''),
        [OVERVIEW_CSV_HEADER, ROW.elm, ROW.cedar],
      );
      // The columns are the table's (with the User ID first and the full reason after the status).
      const headings = await page.$$eval('.overview-table thead th', (ths) => ths.map((th) => th.textContent.trim().replace(/ [▲▼]$/, '')));
      assert.deepEqual(
        OVERVIEW_CSV_HEADER.split(',').filter((h) => h !== 'User ID' && h !== 'Reason'),
        headings,
      );
      await page.setViewport(DESKTOP);
      await screenshot(page, 'overview-daily', `${kind.name}-desktop`);
      await page.close();
    });

    // Last: it adds a snapshot as of today.
    it('SECAS: the deadline page and the reports list carry the banner too, measured from today, until a current snapshot arrives', async () => {
      for (const path of ['/', '/deadline', '/reports', `/users/${ELM}`]) {
        const page = await open('secas', path);
        assert.match(
          (await banner(page)) ?? '',
          /^These figures rest on old data\. The newest snapshot is as of 29 Nov 2019, [\d,]+ Working Days before today/,
          path,
        );
        await page.close();
      }
      // A snapshot as of today: no page calls its figures old any more.
      await seedSnapshot(suite.t.db.knex, londonToday(), { [ALDER]: { esme: [1000, 500] } }, { sha256: 'c'.repeat(64) });
      for (const path of ['/', '/deadline', '/reports']) {
        const page = await open('secas', path);
        assert.equal(await banner(page), null, path);
        await page.close();
      }
    });
  });
}
