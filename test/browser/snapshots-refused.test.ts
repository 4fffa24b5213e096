// Issue 18, point 5, in the browser: the DCC uploads an extract that is refused for too many bad
// rows. The import bar says "Refused" with the reason (it no longer stops where it was), the
// rejected rows appear grouped by reason with counts, first rows and "and N more" — on the upload
// and on the Snapshots page after a reload — and their CSV downloads whole. SECAS sees the same.
// Counts worked out by hand from the generated file (test/fixtures/refused-extract.ts): 3 000 rows,
// 1 000 bad dates, 60 bad device_ids, 1 duplicate; 1 041 rejected rows, 1 061 problems.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { addRoleAccounts } from '../helpers/accounts.ts';
import { axeViolations, DESKTOP, openBrowser, pageProblems, PHONE, roleSessions, screenshot, sidewaysOverflow } from '../helpers/browser.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { refusedExtract } from '../fixtures/refused-extract.ts';
import { ingestBytes, setSetting } from '../unit/snapshots/ingest-helpers.ts';
import { deviceId } from '../unit/snapshots/scan-helpers.ts';

const GROUPS = [
  '1,000 × prenotified_date: not a real date in the form YYYY-MM-DD',
  '60 × device_id: not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")',
  '1 × device_id: repeats the device_id of an earlier row',
];
const MORE = ['and 997 more', 'and 57 more'];
const REASON = '1,041 of the 3,000 data rows were rejected (34.7 %), more than the 0.1 % the max_reject_ratio setting (0.001) allows, so nothing was imported';

function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (nodes) => nodes.map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The rows of the first example table under `scope`: [line, field, value]. */
function exampleRows(page: Page, scope: string): Promise<string[][]> {
  return page.$$eval(`${scope} .examples-table`, (tables) =>
    tables.map((table) => [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '').join(' | '))),
  );
}

/** The CSV behind a download link, fetched in the page's session as the browser's download would be. */
async function downloadCsv(page: Page, selector: string): Promise<{ status: number; type: string; lines: string[] }> {
  return page.$eval(selector, async (a) => {
    const res = await fetch((a as HTMLAnchorElement).href, { credentials: 'same-origin' });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', lines: text.replace(/\r\n$/, '').split('\r\n') };
  });
}

for (const kind of databasesFor('sql')) {
  describe(`a refused extract in the browser on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let browser: Browser;
    let dir: string;
    let importId: number;
    const sessions = roleSessions(
      () => browser,
      () => server.url,
    );

    before(async () => {
      t = await kind.create();
      await addRoleAccounts(t.db.knex);
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      browser = await openBrowser();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-refused-'));
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the DCC uploads it, sees the bar say refused, the reasons grouped with counts, and downloads every rejected row', async () => {
      const file = path.join(dir, 'smi-20240131.csv');
      writeFileSync(file, refusedExtract(3000));
      const page = await sessions.loggedIn('dcc');
      const problems = pageProblems(page);
      await page.goto(`${server.url}/snapshots`);
      const input = (await page.$('#file')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(file);
      await page.click('#upload-button');
      // The poll may say "Refused" before the upload's own answer arrives; the button comes back with that answer.
      await page.waitForFunction(() => document.getElementById('upload-status')?.textContent === 'Refused.', { timeout: 30_000 });
      await page.waitForFunction(() => !(document.getElementById('upload-button') as HTMLButtonElement).disabled, { timeout: 30_000 });

      assert.equal(await page.$eval('#import-text', (el) => el.textContent), `Refused: ${REASON}`);
      assert.equal(await page.$eval('#import-progress', (el) => el.classList.contains('progress-stopped')), true);
      assert.equal(
        await page.$eval('#upload-errors-message', (el) => el.textContent),
        `smi-20240131.csv was refused: ${REASON}. The rejected rows, by reason:`,
      );
      assert.equal(await page.$eval('#upload-errors', (el) => (el as HTMLElement).hidden), false);
      assert.deepEqual(await texts(page, '#upload-errors-groups .reason-group-title'), GROUPS);
      assert.deepEqual(await texts(page, '#upload-errors-groups .more-rows'), MORE);
      assert.deepEqual((await exampleRows(page, '#upload-errors-groups'))[1], [
        '2 | device_id | "NOT-AN-ID-1"',
        '52 | device_id | "NOT-AN-ID-51"',
        '102 | device_id | "NOT-AN-ID-101"',
      ]);
      assert.deepEqual(await texts(page, '#upload-errors-groups .csv-link a'), ['Download all 1,041 rejected rows (CSV)']);
      await screenshot(page, 'snapshots-refused', `upload-refused-${kind.name}`);

      // The same on the page itself, after a reload: the newest refusal is open at the top.
      await page.reload();
      const refusal = await page.$eval('details.attempt[open]', (el) => el.id);
      importId = Number(refusal.replace('import-', ''));
      assert.ok(importId > 0, refusal);
      assert.match((await texts(page, `#${refusal} summary`))[0]!, /^Refused smi-20240131\.csv dcc@example\.org \(web\), /);
      assert.equal((await texts(page, `#${refusal} .attempt-reason`))[0], `${REASON}. The rejected rows, by reason:`);
      assert.deepEqual(await texts(page, `#${refusal} .reason-group-title`), GROUPS);
      assert.deepEqual(await texts(page, `#${refusal} .more-rows`), MORE);
      assert.deepEqual((await exampleRows(page, `#${refusal}`))[0], [
        '4 | prenotified_date | "2021-13-01"',
        '7 | prenotified_date | "2021-13-01"',
        '10 | prenotified_date | "2021-13-01"',
      ]);
      assert.deepEqual((await exampleRows(page, `#${refusal}`))[2], [`3,000 | device_id | "${deviceId(2)}"`]);

      const csv = await downloadCsv(page, `#${refusal} .csv-link a`);
      assert.equal(csv.status, 200);
      assert.match(csv.type, /^text\/csv/);
      assert.equal(csv.lines.length, 1 + 1061);
      assert.equal(csv.lines[0], 'line,field,value,reason');
      assert.equal(csv.lines[1], '2,device_id,NOT-AN-ID-1,"device_id is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by ""-"" or "":"")"');
      assert.equal(csv.lines[2], '4,prenotified_date,2021-13-01,prenotified_date is not a real date in the form YYYY-MM-DD');
      assert.ok(csv.lines.includes(`3000,device_id,${deviceId(2)},"device_id duplicate, first at line 3"`));
      assert.equal(csv.lines.filter((l) => l.includes(',prenotified_date,')).length, 1000);

      assert.deepEqual(await axeViolations(page), []);
      assert.equal(await sidewaysOverflow(page), 0);
      await screenshot(page, 'snapshots-refused', `snapshots-refused-1366-${kind.name}`);
      await page.setViewport(PHONE);
      await page.reload();
      assert.equal(await sidewaysOverflow(page), 0, 'no sideways scrolling at 390 px');
      assert.deepEqual(await axeViolations(page), []);
      await screenshot(page, 'snapshots-refused', `snapshots-refused-390-${kind.name}`);
      await page.$eval('#attempts-title', (el) => el.scrollIntoView());
      await screenshot(page, 'snapshots-refused', `snapshots-refused-390-screen-${kind.name}`, false);
      // The refusal's own answer (422) is logged by Chromium as a failed resource; nothing else may be.
      assert.deepEqual(
        problems.filter((p) => !/\/snapshots: Failed to load resource: the server responded with a status of 422/.test(p)),
        [],
      );
      await page.close();
    });

    it('says "Failed" with the server’s sentence, not "Refused", when the server cannot finish the import', async () => {
      const page = await sessions.loggedIn('dcc');
      await page.goto(`${server.url}/snapshots`);
      // The server's answer when its database is down (a 503 with a sentence), stood in for here:
      // the page's script is what is under test.
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/snapshots') {
          void request.respond({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { message: 'The database is not answering. Nothing was imported; try again in a few minutes.' } }),
          });
        } else void request.continue();
      });
      const file = path.join(dir, 'smi-20240131.csv');
      const input = (await page.$('#file')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(file);
      await page.click('#upload-button');
      await page.waitForFunction(() => document.getElementById('upload-status')?.textContent === 'Failed.', { timeout: 30_000 });
      assert.equal(
        await page.$eval('#import-text', (el) => el.textContent),
        'Failed: The database is not answering. Nothing was imported; try again in a few minutes.',
      );
      assert.equal(
        await page.$eval('#upload-errors-message', (el) => el.textContent),
        'The database is not answering. Nothing was imported; try again in a few minutes.',
      );
      assert.equal(await page.$eval('#upload-button', (el) => (el as HTMLButtonElement).disabled), false);
      await page.close();
    });

    it('SECAS sees the same refusal grouped by reason and downloads the same CSV, beside snapshots with their status', async () => {
      // Two accepted files for one date (the first superseded), the first with 105 rejected rows of 300:
      // 100 bad dates, 6 bad device_ids (2 of them also bad dates), 1 duplicate.
      await setSetting(t.db.knex, 'max-reject-ratio', '0.5');
      const first = await ingestBytes(t.db.knex, dir, refusedExtract(300), { fileName: 'smi-20240229.csv' });
      const second = await ingestBytes(t.db.knex, dir, refusedExtract(30), { fileName: 'smi-20240229-fixed.csv' });
      assert.equal(first.status, 'imported');
      assert.equal(second.status, 'imported');
      const page = await sessions.loggedIn('secas');
      const problems = pageProblems(page);
      await page.setViewport(DESKTOP);
      await page.goto(`${server.url}/snapshots`);
      assert.deepEqual(await texts(page, `#import-${importId} .reason-group-title`), GROUPS);
      assert.deepEqual(await texts(page, `#import-${importId} .more-rows`), MORE);
      const csv = await downloadCsv(page, `#import-${importId} .csv-link a`);
      assert.equal(csv.status, 200);
      assert.equal(csv.lines.length, 1 + 1061);
      const statuses = await texts(page, '.snapshot-table tbody td:nth-child(6)');
      assert.deepEqual(statuses, ['Current', `Superseded by snapshot ${second.snapshotId} (as of 29 Feb 2024)`]);
      await page.click(`#rejected-${first.snapshotId} summary`);
      assert.deepEqual(await texts(page, `#rejected-${first.snapshotId} .reason-group-title`), [
        '100 × prenotified_date: not a real date in the form YYYY-MM-DD',
        '6 × device_id: not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")',
        '1 × device_id: repeats the device_id of an earlier row',
      ]);
      assert.deepEqual(await texts(page, `#rejected-${first.snapshotId} .more-rows`), ['and 97 more', 'and 3 more']);
      assert.deepEqual(await axeViolations(page), []);
      assert.equal(await sidewaysOverflow(page), 0);
      await screenshot(page, 'snapshots-refused', `snapshots-secas-1366-${kind.name}`);
      await page.setViewport(PHONE);
      await page.reload();
      await page.click(`#rejected-${first.snapshotId} summary`);
      assert.equal(await sidewaysOverflow(page), 0);
      assert.deepEqual(await axeViolations(page), []);
      await screenshot(page, 'snapshots-refused', `snapshots-secas-390-${kind.name}`);

      // The snapshot's own page: its groups above its rows by line.
      await page.goto(`${server.url}/snapshots/${first.snapshotId}`);
      assert.deepEqual((await texts(page, '.reason-group-title')).slice(0, 1), ['100 × prenotified_date: not a real date in the form YYYY-MM-DD']);
      assert.deepEqual(await texts(page, '.csv-link a'), ['Download all 105 rejected rows (CSV)']);
      assert.equal(await sidewaysOverflow(page), 0);
      assert.deepEqual(await axeViolations(page), []);
      await page.setViewport(DESKTOP);
      await screenshot(page, 'snapshots-refused', `snapshot-page-1366-${kind.name}`);
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}
