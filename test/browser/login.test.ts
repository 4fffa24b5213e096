// A person logs in through the real form in the system Chromium and lands on the overview.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { launchChrome } from '../../server/reports/chrome.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { ROOT } from '../helpers/processes.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ARTIFACTS = path.join(ROOT, 'test/artifacts');

// The browser's side, on SQLite: logging in's SQL runs on MySQL in the integration tests (auth,
// login-throttle, anonymous-visitors).
for (const kind of databasesFor('not-sql')) {
  describe(`logging in with a browser on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let browser: Browser;

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      t = await kind.create();
      await addAccount(t.db.knex, { email: 'sam@example.org', role: 'secas', password: 'browser password 1' }, { kind: 'system', name: 'test' });
      server = await startTestServer(t.url);
      browser = await launchChrome(process.env.CHROME_PATH);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await t?.drop();
    });

    it('logs in through the form and shows the overview, with no console errors', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(msg.text());
      });
      page.on('pageerror', (err) => problems.push(String(err)));
      page.on('response', (res) => {
        if (res.status() >= 400) problems.push(`${res.status()} ${res.url()}`);
      });
      await page.setViewport({ width: 1366, height: 768 });

      await page.goto(`${server.url}/audit`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await page.screenshot({ path: path.join(ARTIFACTS, `login-form-${kind.name}.png`) });

      await page.type('#email', 'sam@example.org');
      await page.type('#password', 'browser password 1');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);

      assert.equal(new URL(page.url()).pathname, '/audit', 'back where they were going');
      assert.equal(await page.$eval('h1', (h) => h.textContent), 'Audit log');
      const nav = await page.$$eval('nav.main-nav a', (links) => links.map((a) => a.textContent));
      assert.deepEqual(nav, ['Overview', 'Snapshots', 'Reports', 'Deadline', 'Users', 'Settings', 'Audit log', 'Job runs', 'Notifications']);
      assert.match(await page.$eval('.data-table', (el) => el.textContent ?? ''), /login/);

      await Promise.all([page.waitForNavigation(), page.click('nav.main-nav a[href="/"]')]);
      assert.equal(await page.$eval('h1', (h) => h.textContent), 'Programme overview');
      await page.screenshot({ path: path.join(ARTIFACTS, `overview-${kind.name}.png`), fullPage: true });

      await Promise.all([page.waitForNavigation(), page.click('.account button')]);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.match(await page.$eval('.notice', (el) => el.textContent ?? ''), /You have logged out/);
      assert.deepEqual(problems, []);
    });

    it('shows a clear message for a wrong password, at phone width too', async () => {
      const page = await browser.newPage();
      await page.setViewport({ width: 390, height: 844 });
      await page.goto(`${server.url}/login`);
      await page.type('#email', 'sam@example.org');
      await page.type('#password', 'wrong password');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      assert.match(await page.$eval('.error-summary', (el) => el.textContent ?? ''), /The e-mail address or password is not right/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at phone width (overflow ${overflow}px)`);
      await page.screenshot({ path: path.join(ARTIFACTS, `login-error-phone-${kind.name}.png`), fullPage: true });
    });
  });
}
