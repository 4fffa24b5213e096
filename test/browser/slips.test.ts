// Issue 18 point 6, "fewer slips", in the browser as SECAS on SQLite and MariaDB: a removal asks
// first (cancelling keeps the entry, confirming removes it; without JavaScript the server asks on a
// page of its own), the pinned baseline is chosen from a list of snapshots, a MAP register change
// offers to recount the snapshots counted otherwise (figures worked out by hand), bank holidays
// one year at a time, and the audit log filtered with its changes as diffs. Every page axe-clean,
// none scrolling sideways at 390 px; screenshots under test/artifacts/slips.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import type { JobContext } from '../../jobs/context.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { snapshotRecountJob } from '../../jobs/snapshot-recount.ts';
import { createLogger } from '../../server/logger.ts';
import { recordAllowance } from '../../server/programme/allowances.ts';
import { listDeclarationVersions, recordDeclaration } from '../../server/programme/declarations.ts';
import { listAllowances } from '../../server/programme/allowances.ts';
import { saveMapEntry } from '../../server/programme/map-register.ts';
import { loadSettings } from '../../server/programme/settings.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import { archiveWorkDone } from '../../server/snapshots/ingest/archive.ts';
import { newestRecountKey } from '../../server/snapshots/recount/recount-requests.ts';
import { addRoleAccounts } from '../helpers/accounts.ts';
import { axeViolations, openBrowser, PHONE, DESKTOP, roleSessions, screenshot, sidewaysOverflow, pageProblems } from '../helpers/browser.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { HEADER, row, USER_A } from '../unit/snapshots/scan-helpers.ts';
import { ingestBytes, setSetting, storedCounts } from '../unit/snapshots/ingest-helpers.ts';

const SEED = { kind: 'system', name: 'seed' } as const;

// Rows of USER_A (pre-notified in 2017 unless said): 1 ESME AB12, 2 ESME CD34, 3 GSME CD34, 4 ESME
// no MAP ID, 5 ESME EF56 pre-notified after the implementation date (2018-06-28), 6 rejected.
const ROWS = [
  row(1, { map_id: 'AB12' }),
  row(2, { map_id: 'CD34' }),
  row(3, { device_type: 'GSME', map_id: 'CD34' }),
  row(4),
  row(5, { map_id: 'EF56', prenotified_date: '2018-07-01' }),
  row(6, { prenotified_date: '2017-13-45' }),
];

/** An element's text; missing, the failure says where the page was and what it showed instead. */
async function text(page: Page, selector: string): Promise<string> {
  const found = await page.$(selector);
  if (found === null) {
    const main = await page.$eval('main', (el) => el.innerText.replace(/\s+/g, ' ').trim().slice(0, 600)).catch(() => '(no main)');
    assert.fail(`no ${selector} on ${page.url()}; the page shows: ${main}`);
  }
  return found.evaluate((el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
}

/** axe-clean and no sideways scrolling at phone width; back at desktop size after. */
async function checkPage(page: Page, what: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `${what}: axe`);
  await page.setViewport(PHONE);
  assert.equal(await sidewaysOverflow(page), 0, `${what}: sideways at 390 px`);
  assert.deepEqual(await axeViolations(page), [], `${what}: axe at 390 px`);
  await page.setViewport(DESKTOP);
}

for (const kind of databaseKinds) {
  describe(`fewer slips in the browser on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let browser: Browser;
    let snapshots: { first: number; second: number };
    const sessions = roleSessions(
      () => browser,
      () => server.url,
    );

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      const { knex } = t.db;
      await addRoleAccounts(knex);
      await importUsers(knex, Buffer.from(`user_id,name\n${USER_A},Alpha Energy\n`), 'users.csv', SEED);
      await recordDeclaration(knex, { user_id: USER_A, count: '1000', received_on: '2018-07-05' }, SEED);
      await recordDeclaration(knex, { user_id: USER_A, count: '1200', received_on: '2018-07-20' }, SEED);
      await recordAllowance(knex, { user_id: USER_A, per_day: '40', effective_from: '2018-07-16', confirmed_on: '2018-07-11' }, SEED);
      await setSetting(knex, 'max-reject-ratio', '0.5');
      const first = await ingestBytes(knex, server.dataDir, [HEADER, ...ROWS].join('\n') + '\n', { fileName: 'smi-2018-07-02.csv' });
      await saveMapEntry(knex, { map_id: 'AB12', name: 'Alpha MAP' }, SEED);
      const second = await ingestBytes(knex, server.dataDir, [HEADER, ...ROWS, row(7, { map_id: 'AB12' })].join('\n') + '\n', {
        fileName: 'smi-2018-07-16.csv',
      });
      await archiveWorkDone();
      snapshots = { first: first.snapshotId!, second: second.snapshotId! };
      browser = await openBrowser();
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await t?.drop();
    });

    it('removes a declaration only once SECAS says so: cancelling keeps it, confirming removes it', async () => {
      const page = await sessions.loggedIn('secas');
      const problems = pageProblems(page);
      await page.goto(`${server.url}/users/declarations`);
      const asked: string[] = [];
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog.dismiss();
      });
      await page.click('#declarations-table tbody tr:first-child button');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(asked, ['Remove the declaration of Alpha Energy received on 5 Jul 2018 (1,000 MAP IDs)?']);
      assert.equal(new URL(page.url()).pathname, '/users/declarations', 'cancelled: still on the list');
      assert.equal((await listDeclarationVersions(t.db.knex)).length, 2);

      page.once('dialog', (dialog) => void dialog.accept());
      await Promise.all([page.waitForNavigation(), page.click('#declarations-table tbody tr:first-child button')]);
      assert.equal(await text(page, '.notice'), `The declaration of ${USER_A} received on 2018-07-05 was removed.`);
      assert.deepEqual(
        (await listDeclarationVersions(t.db.knex)).map((d) => d.receivedOn),
        ['2018-07-20'],
      );
      await checkPage(page, 'declarations');
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('asks on a page of its own when JavaScript is off: Cancel keeps the allowance, the button removes it', async () => {
      const page = await sessions.loggedIn('secas');
      await page.setJavaScriptEnabled(false);
      await page.goto(`${server.url}/users/allowances`);
      await Promise.all([page.waitForNavigation(), page.click('#allowances-table tbody tr:first-child button')]);
      assert.equal(await text(page, 'h1'), 'Remove this allowance?');
      assert.match(await text(page, 'main'), new RegExp(`Remove the allowance of Alpha Energy \\(${USER_A}\\) from 16 Jul 2018\\?`));
      assert.match(await text(page, '.removal-details'), /Per Working Day 40 Effective from 16 Jul 2018 Confirmed 11 Jul 2018/);
      await screenshot(page, 'slips', `${kind.name}-confirm-remove`);
      await page.setJavaScriptEnabled(true);
      await checkPage(page, 'the confirmation page');
      await page.setJavaScriptEnabled(false);
      await Promise.all([page.waitForNavigation(), page.click('main a[href="/users/allowances"]')]);
      assert.equal((await listAllowances(t.db.knex)).length, 1, 'cancelled: kept');

      await Promise.all([page.waitForNavigation(), page.click('#allowances-table tbody tr:first-child button')]);
      await Promise.all([page.waitForNavigation(), page.click('button.button-danger')]);
      assert.equal(await text(page, '.notice'), `The allowance of ${USER_A} from 2018-07-16 was removed.`);
      assert.equal((await listAllowances(t.db.knex)).length, 0);
      await page.close();
    });

    it('chooses the pinned baseline from the list of snapshots, with as-of date, rows and status', async () => {
      const page = await sessions.loggedIn('secas');
      await page.goto(`${server.url}/settings`);
      const options = await page.$$eval('#settings-baseline-snapshot option', (list) => list.map((o) => [o.value, o.textContent.trim()]));
      assert.deepEqual(options, [
        ['', 'The first snapshot on or after the implementation date (default)'],
        [String(snapshots.second), `As of 16 Jul 2018 · 7 rows · current · snapshot ${snapshots.second} (smi-2018-07-16.csv)`],
        [String(snapshots.first), `As of 2 Jul 2018 · 6 rows · current · snapshot ${snapshots.first} (smi-2018-07-02.csv)`],
      ]);
      await page.select('#settings-baseline-snapshot', String(snapshots.first));
      await Promise.all([page.waitForNavigation(), page.click('form[action="/settings"] button[type=submit]')]);
      assert.equal(await text(page, '.notice'), 'The setting was saved.');
      assert.equal(await page.$eval('#settings-baseline-snapshot', (s) => (s as HTMLSelectElement).value), String(snapshots.first));
      assert.equal((await loadSettings(t.db.knex)).baselineSnapshotId, snapshots.first);
      await checkPage(page, 'settings');
      await page.setViewport(PHONE);
      await page.focus('#settings-baseline-snapshot');
      await screenshot(page, 'slips', `${kind.name}-settings-baseline-390`, false);
      await page.close();
    });

    it('offers, after a MAP register change, to recount the snapshots counted otherwise, and recounts them', async () => {
      const page = await sessions.loggedIn('secas');
      await page.goto(`${server.url}/settings/map-register`);
      assert.match(await text(page, '#recount-title'), /^1 snapshot was counted with other rules$/);
      await page.type('#map-map_id', 'CD34');
      await page.type('#map-name', 'Charlie MAP');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/settings/map-register"] button[type=submit]')]);
      assert.equal(
        await text(page, '.notice'),
        'CD34 (Charlie MAP) was added to the MAP register. 2 snapshots were counted with another register: recount them below.',
      );
      assert.equal(await text(page, '#recount-title'), '2 snapshots were counted with other rules');
      const offered = await page.$$eval('#recount-list li', (items) => items.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
      assert.deepEqual(offered, [
        `16 Jul 2018 · snapshot ${snapshots.second} (smi-2018-07-16.csv) · 7 rows · current MAP register since: CD34 added`,
        `2 Jul 2018 · snapshot ${snapshots.first} (smi-2018-07-02.csv) · 6 rows · current counted with an empty MAP register (any MAP ID valid); it now lists AB12, CD34`,
      ]);
      await checkPage(page, 'the MAP register with its recount offer');
      await screenshot(page, 'slips', `${kind.name}-map-register-offer`);
      await page.setViewport(PHONE);
      await screenshot(page, 'slips', `${kind.name}-map-register-offer-390`);
      await page.setViewport(DESKTOP);

      await Promise.all([page.waitForNavigation(), page.click('#recount button[type=submit]')]);
      assert.equal(
        await text(page, '.notice'),
        'A recount of 2 snapshots is queued. The snapshot-recount job runs it within a minute; Job runs shows how it went.',
      );
      assert.match(await text(page, '.recount-status'), /^A recount is queued: asked for by secas@example\.org at /);
      assert.equal(await page.$('#recount button'), null, 'no second request while one waits');

      // The job, as an instance running the scheduler would run it.
      const ctx = { knex: t.db.knex, logger: createLogger('silent'), config: { dataDir: server.dataDir } } as unknown as JobContext;
      const job = snapshotRecountJob();
      assert.equal((await new JobRunner(ctx, [job]).run(job, (await newestRecountKey(t.db.knex))!)).state, 'succeeded');
      await page.reload();
      assert.match(
        await text(page, '#recount'),
        /^Every snapshot is counted with the rules in force\. The last recount, asked for by secas@example\.org at .*: succeeded — Recounted 2 of 2 snapshot\(s\)\.$/,
      );
      // Under {AB12, CD34}. Snapshot 1: ESME in scope 1, 2, 4 → 3, completed 1, 2 → 2, EF56 after implementation and not listed → newMissing 1; GSME 1 of 1.
      assert.deepEqual((await storedCounts(t.db.knex, snapshots.first))[USER_A], {
        esme: { inScope: 3, completed: 2, invalid: 0, outstanding: 1, newMissing: 1 },
        gsme: { inScope: 1, completed: 1, invalid: 0, outstanding: 0, newMissing: 0 },
      });
      // Snapshot 2 (row 7 too, ESME AB12): completed 1, 2, 7 → 3 of 4, CD34 no longer invalid; GSME completed 1.
      assert.deepEqual((await storedCounts(t.db.knex, snapshots.second))[USER_A], {
        esme: { inScope: 4, completed: 3, invalid: 0, outstanding: 1, newMissing: 1 },
        gsme: { inScope: 1, completed: 1, invalid: 0, outstanding: 0, newMissing: 0 },
      });
      await page.close();
    });

    it('shows the bank holidays one year at a time, this year first', async () => {
      const page = await sessions.loggedIn('secas');
      await page.goto(`${server.url}/settings/holidays`);
      const year = new Date().getUTCFullYear();
      assert.equal(await text(page, '.year-heading'), String(year));
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(height < 2200, `one year's page is ${height} px tall`);
      await screenshot(page, 'slips', `${kind.name}-holidays-1366`);
      await Promise.all([page.waitForNavigation(), page.click(`nav[aria-label="Years of bank holidays"] a[href*="year=${year + 1}"]`)]);
      assert.equal(await text(page, '.year-heading'), String(year + 1));
      await checkPage(page, 'holidays');
      await page.setViewport(PHONE);
      await screenshot(page, 'slips', `${kind.name}-holidays-390`);
      await page.close();
    });

    it('filters the audit log by who and what, and shows a change as its fields before and after', async () => {
      const page = await sessions.loggedIn('secas');
      await page.goto(`${server.url}/audit`);
      await page.type('#audit-who', 'SECAS@');
      await page.select('#audit-what', 'declaration');
      await Promise.all([page.waitForNavigation(), page.click('.audit-filter button[type=submit]')]);
      const url = new URL(page.url());
      assert.deepEqual([url.searchParams.get('who'), url.searchParams.get('what')], ['SECAS@', 'declaration']);
      const rows = await page.$$eval('#audit-table > tbody > tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
      // SECAS removed one declaration in this file: the one of 5 Jul 2018, 1,000 MAP IDs, the later one staying in force.
      assert.equal(rows.length, 1);
      assert.match(
        rows[0]!,
        /secas@example\.org \(account\) declaration\.remove declaration 90-B3-D5-1F-30-01-00-0A Field Before After count 1000 — receivedOn 2018-07-05 — inForce\.count — 1200 inForce\.receivedOn — 2018-07-20 127\.0\.0\.1$/,
      );
      assert.match(await text(page, 'main'), /Entries that match: 1\./);
      await checkPage(page, 'audit');
      await screenshot(page, 'slips', `${kind.name}-audit-1366`);

      await page.goto(`${server.url}/audit?what=setting`);
      const setting = await page.$$eval('#audit-table > tbody > tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
      assert.match(setting[0]!, new RegExp(`setting\\.change setting baseline-snapshot Field Before After value none ${snapshots.first} 127\\.0\\.0\\.1$`));
      await page.setViewport(PHONE);
      assert.equal(await sidewaysOverflow(page), 0);
      await screenshot(page, 'slips', `${kind.name}-audit-390`);
      await page.close();
    });
  });
}
