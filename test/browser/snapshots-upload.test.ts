// Issue 3's browser test: a person uploads a ~200 MB snapshot through the page in Chromium. Both
// progress bars move (their values are recorded over time), the result page follows, and the
// server — a separate process, as in production — keeps its memory flat: the file streams through.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { generateInventory } from '../../bench/scan/generate-inventory.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { launchChrome } from '../../server/reports/chrome.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { freePort, ROOT, spawnServer, waitFor } from '../helpers/processes.ts';
import { readBars, throttleUploads } from '../helpers/upload-bars.ts';

const ARTIFACTS = path.join(ROOT, 'test/artifacts');
const ROWS = 2_550_000; // about 200 MB
const MB = 1024 * 1024;
/** Upload speed the browser is held to, so that the bars are watched over several seconds. */
const UPLOAD_BYTES_PER_SECOND = 40 * MB;

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

interface Sample {
  ms: number;
  transfer: number;
  import: number;
  /** The server's resident memory when the bars were read. */
  rss: number;
}

describe('uploading a 200 MB snapshot in the browser', () => {
  let dir: string;
  let file: string;
  let browser: Browser;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(path.join(tmpdir(), 'bfm-upload-'));
    file = path.join(dir, 'smi-20240131.csv');
    generateInventory({ rows: ROWS, path: file });
    browser = await launchChrome(process.env.CHROME_PATH);
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // The browser and the server's memory, on SQLite: the upload's SQL runs on MySQL in the integration
  // tests (snapshots-web, snapshots-split, snapshots-api).
  for (const kind of databasesFor('not-sql')) {
    describe(`on ${kind.name}`, { skip: kind.skip }, () => {
      let t: TestDatabase;
      let dataDir: string;

      before(async () => {
        t = await kind.create();
        dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-upload-data-'));
        await addAccount(t.db.knex, { email: 'dcc@example.org', role: 'dcc', password: 'upload password 1' }, { kind: 'system', name: 'test' });
      });
      after(async () => {
        await t?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      });

      it('shows both bars moving, lands on the result, and the server’s memory stays flat', async (ctx) => {
        const size = statSync(file).size;
        const port = await freePort();
        const server = spawnServer({ DATABASE_URL: t.url, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', SESSION_SECRET: 's'.repeat(40) });
        const base = `http://127.0.0.1:${port}`;
        try {
          await waitFor(async () => ((await fetch(`${base}/healthz`)).status === 200 ? true : undefined), 'the server to answer');
          const page = await browser.newPage();
          const problems: string[] = [];
          page.on('pageerror', (err) => problems.push(String(err)));
          page.on('console', (msg) => {
            if (msg.type() === 'error') problems.push(msg.text());
          });
          await page.setViewport({ width: 1280, height: 900 });
          await page.goto(`${base}/login?next=/snapshots`);
          await page.type('#email', 'dcc@example.org');
          await page.type('#password', 'upload password 1');
          await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
          assert.equal(new URL(page.url()).pathname, '/snapshots');

          await throttleUploads(page, UPLOAD_BYTES_PER_SECOND);

          const input = await page.$('#file');
          assert.ok(input);
          await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(file);
          await page.type('#asOf', '2024-01-31');

          const rssBefore = rssOf(server.pid!);
          let rssPeak = rssBefore;
          const samples: Sample[] = [];
          const started = Date.now();
          let done = false;
          const navigated = page.waitForNavigation({ timeout: 180_000 }).finally(() => (done = true));
          await page.click('#upload-button');
          let shot = false;
          while (!done) {
            const rss = rssOf(server.pid!);
            rssPeak = Math.max(rssPeak, rss);
            const bars = await readBars(page);
            if (bars) {
              samples.push({ ms: Date.now() - started, ...bars, rss });
              if (!shot && bars.transfer > 40 && bars.import > 20) {
                shot = true;
                await page.screenshot({ path: path.join(ARTIFACTS, `snapshots-upload-progress-${kind.name}.png`) }).catch(() => undefined);
              }
            }
            await new Promise((r) => setTimeout(r, 100));
          }
          await navigated;
          rssPeak = Math.max(rssPeak, rssOf(server.pid!));

          // The result page.
          assert.match(new URL(page.url()).pathname, /^\/snapshots\/\d+$/);
          assert.equal(await page.$eval('h1', (h) => h.textContent), 'Snapshot as of 31 Jan 2024');
          assert.match(await page.$eval('.notice', (el) => el.textContent ?? ''), /^Imported\. [\d,]+ of 2,550,000 rows were accepted/);
          await page.screenshot({ path: path.join(ARTIFACTS, `snapshots-result-${kind.name}.png`), fullPage: false });
          const stored = await t.db.knex('snapshots').first();
          assert.equal(Number(stored.byte_size), size);
          assert.equal(Number(stored.rows), ROWS);

          // Both bars moved: several values strictly between empty and full, never going back.
          const moving = (key: 'transfer' | 'import'): number[] => [...new Set(samples.map((s) => s[key]).filter((v) => v > 0 && v < 100))];
          const series = (key: 'transfer' | 'import'): string => samples.map((s) => `${s.ms}ms:${s[key]}`).join(' ');
          ctx.diagnostic(`transfer bar: ${series('transfer')}`);
          ctx.diagnostic(`import bar: ${series('import')}`);
          assert.ok(moving('transfer').length >= 3, `transfer bar values: ${series('transfer')}`);
          assert.ok(moving('import').length >= 3, `import bar values: ${series('import')}`);
          for (const key of ['transfer', 'import'] as const) {
            samples.forEach((s, i) => assert.ok(i === 0 || s[key] >= samples[i - 1]![key], `${key} bar went back at ${s.ms} ms`));
          }

          // Flat memory: holding the file, in memory or as a buffered body, would grow the server by
          // at least its size. It grows by less than that: the duplicate check's 16 bytes a row
          // (about 40 MB here), the heaps of the four threads that write, hash and scan it (about
          // 10 MB each), buffers in flight and the garbage collector's slack.
          const growth = rssPeak - rssBefore;
          ctx.diagnostic(
            `server RSS ${(rssBefore / MB).toFixed(0)} MB before, ${(rssPeak / MB).toFixed(0)} MB at most during a ${(size / MB).toFixed(0)} MB upload (+${(growth / MB).toFixed(0)} MB)`,
          );
          assert.ok(growth < 0.75 * size, `server RSS grew by ${(growth / MB).toFixed(0)} MB during a ${(size / MB).toFixed(0)} MB upload`);
          // And flat once under way: over the second half of the import (about 100 MB of file) the
          // server grows by no more than the duplicate check's 16 bytes a row for those rows, plus slack.
          const half = samples.find((s) => s.import >= 50);
          assert.ok(half, 'a sample half-way through the import');
          const laterPeak = Math.max(...samples.filter((s) => s.ms >= half.ms).map((s) => s.rss));
          const dedupe = 16 * (ROWS / 2);
          ctx.diagnostic(
            `second half: RSS ${(half.rss / MB).toFixed(0)} MB at 50 %, at most ${(laterPeak / MB).toFixed(0)} MB after (+${((laterPeak - half.rss) / MB).toFixed(0)} MB; duplicate check ${(dedupe / MB).toFixed(0)} MB)`,
          );
          assert.ok(
            laterPeak - half.rss < dedupe + 24 * MB,
            `server RSS grew by ${((laterPeak - half.rss) / MB).toFixed(0)} MB over the second half of the import`,
          );
          assert.deepEqual(problems, []);

          // A refused file: the page says why, naming the line, and stays on the form.
          const broken = path.join(dir, 'broken-20240229.csv');
          writeFileSync(
            broken,
            'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n00-00-00-00-00-00-00-01,ESME,Commissioned,90-B3-D5-1F-30-01-00-0A,"UF"LM,2017-01-01\n',
          );
          await page.goto(`${base}/snapshots`);
          const again = await page.$('#file');
          await (again as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(broken);
          await page.click('#upload-button');
          await page.waitForSelector('#upload-errors:not([hidden])', { timeout: 30_000 });
          assert.equal(new URL(page.url()).pathname, '/snapshots');
          assert.equal(await page.$eval('#upload-errors-message', (el) => el.textContent), 'broken-20240229.csv was not imported. Nothing of it was stored.');
          assert.match(
            await page.$eval('#upload-errors-list', (el) => el.textContent ?? ''),
            /^Line 2: Broken quoting: text after the closing quote of field 5 \("map_id"\)/,
          );
          await page.screenshot({ path: path.join(ARTIFACTS, `snapshots-refused-${kind.name}.png`) });
          assert.equal(
            await t.db
              .knex('snapshots')
              .count({ n: '*' })
              .first()
              .then((r) => Number(r?.n)),
            1,
            'nothing more stored',
          );
        } finally {
          server.kill('SIGTERM');
          await once(server, 'exit');
        }
      });
    });
  }
});
