// Monthly reports end to end: generated from the database, stored with their hashes, versioned,
// published once, visible to the Panel only when published, and the CLI's JSON per SPEC §6.3.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAccount } from '../../server/auth/accounts.ts';
import { createViewRenderer } from '../../server/templates/views.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { NoSnapshotForMonthError, generateReport, type ReportServices } from '../../server/reports/generate-report.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';
const PASSWORD = 'reports password 1';
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

for (const kind of databaseKinds) {
  describe(`monthly reports on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let services: ReportServices;
    const browser = new BrowserManager(process.env.CHROME_PATH, createLogger('silent'));

    before(async () => {
      t = await kind.create();
      await seedUsers(t.db.knex, [
        { userId: ALPHA, name: 'Alpha & "Sons" <b>Energy</b>' },
        { userId: BETA, name: '=HYPERLINK("http://evil.example")' },
      ]);
      await seedDeadline(t.db.knex, '2027-03-31');
      // September: Alpha 10,000 ESME + 5,000 GSME, 3,000 done; Beta 2,000 ESME, none done.
      await seedSnapshot(t.db.knex, '2026-09-30', { [ALPHA]: { esme: [10_000, 2_000], gsme: [5_000, 1_000] }, [BETA]: { esme: [2_000, 0] } });
      // October: Alpha 6,000 done (+3,000), Beta 500 done.
      await seedSnapshot(
        t.db.knex,
        '2026-10-30',
        { [ALPHA]: { esme: [10_000, 4_000], gsme: [5_000, 2_000] }, [BETA]: { esme: [2_000, 500] } },
        { fileName: 'smi-20261030.csv.gz', rows: 17_010, rejected: 10 },
      );
      services = { knex: t.db.knex, views: createViewRenderer(), browser, logger: createLogger('silent') };
      for (const role of ['secas', 'panel', 'dcc'] as const) {
        await addAccount(t.db.knex, { email: `${role}@example.org`, role, password: PASSWORD }, { kind: 'system', name: 'test' });
      }
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
    });
    after(async () => {
      await browser.close();
      await server?.stop();
      await t?.drop();
    });

    it('stores a draft with the PDF, its hash, the snapshot’s hash and the CSV', async () => {
      const { report, pdf } = await generateReport(services, '2026-10', { kind: 'account', name: 'secas@example.org' });
      assert.equal(report.month, '2026-10');
      assert.equal(report.version, 1);
      assert.equal(report.status, 'draft');
      assert.equal(report.as_of, '2026-10-30');
      assert.equal(report.snapshot_sha256, '20261030'.padEnd(64, 'e'));
      assert.equal(report.pdf_sha256, sha256(pdf));
      assert.ok(report.pages >= 6, `${report.pages} pages`);
      const stored = await t.db.knex('reports').where({ id: report.id }).first();
      assert.equal(sha256(stored.pdf), report.pdf_sha256, 'the stored bytes are the hashed bytes');
      // CSV: outstanding Alpha = (10,000 − 4,000) + (5,000 − 2,000) = 9,000; change since Sept = 9,000 − 12,000 = −3,000.
      const csv = String(stored.csv);
      assert.match(csv, /^user_id,name,registered,esme_outstanding,gsme_outstanding,total_outstanding,/);
      assert.match(csv, /90-B3-D5-1F-30-01-00-0A,"Alpha & ""Sons"" <b>Energy<\/b>",yes,6000,3000,9000,40,-3000,/);
      // Beta's name would run as a formula in a spreadsheet: it is quoted out.
      assert.match(csv, /90-B3-D5-1F-30-01-00-0B,"'=HYPERLINK\(""http:\/\/evil\.example""\)",yes,1500,0,1500,25,-500,/);
      const audit = await t.db.knex('audit_log').where({ action: 'report.generate' }).first();
      assert.equal(JSON.parse(audit.after).pdfSha256, report.pdf_sha256);
    });

    it('makes a new version each time, never replacing one', async () => {
      const { report } = await generateReport(services, '2026-10', { kind: 'account', name: 'secas@example.org' });
      assert.equal(report.version, 2);
      assert.deepEqual(
        (await t.db.knex('reports').where({ month: '2026-10' }).orderBy('version')).map((r) => r.version),
        [1, 2],
      );
    });

    it('refuses a month with no snapshot, storing nothing', async () => {
      await assert.rejects(generateReport(services, '2025-01', { kind: 'account', name: 'secas@example.org' }), NoSnapshotForMonthError);
      assert.equal((await t.db.knex('reports').where({ month: '2025-01' })).length, 0);
    });

    it('shows the Panel only published versions, and publishes one version a month', async () => {
      const panel = new TestClient(server.url);
      await panel.login('panel@example.org', PASSWORD);
      assert.match((await panel.get('/reports')).text, /No report has been published yet/);
      assert.equal((await panel.get('/reports/1.pdf')).status, 404);
      assert.equal((await panel.get('/reports/1.csv')).status, 404);

      const secas = new TestClient(server.url);
      await secas.login('secas@example.org', PASSWORD);
      const page = await secas.get('/reports');
      assert.match(page.text, /Publish v1/);
      assert.match(page.text, /Publish v2/);
      const published = await secas.postForm('/reports/1/publish', { _csrf: await secas.csrfToken('/reports') });
      assert.equal(published.status, 303);
      const second = await secas.postForm('/reports/2/publish', { _csrf: await secas.csrfToken('/reports') });
      assert.equal(second.status, 409);
      assert.match(second.text, /Version 1 of 2026-10 is already published; a month has one published report\./);

      const list = await panel.get('/reports');
      assert.match(list.text, /October 2026/);
      assert.doesNotMatch(list.text, /reports\/2\.pdf/, 'the unpublished version stays hidden');
      const download = await fetch(new URL('/reports/1.pdf', server.url), { headers: { cookie: await panelCookie(panel) } });
      assert.equal(download.status, 200);
      assert.equal(download.headers.get('content-type'), 'application/pdf');
      assert.equal(download.headers.get('content-disposition'), 'attachment; filename="backfill-report-2026-10-v1.pdf"');
      const bytes = Buffer.from(await download.arrayBuffer());
      const row = await t.db.knex('reports').where({ id: 1 }).first();
      assert.equal(sha256(bytes), row.pdf_sha256);
      assert.equal(row.published_by, 'secas@example.org');
      const audit = await t.db.knex('audit_log').where({ action: 'report.publish' });
      assert.equal(audit.length, 1);
    });

    it('generates from the CLI with the JSON of SPEC §6.3', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'bfm-cli-report-'));
      try {
        // October is published (above): a new version of it would have to be a correction. September's first draft.
        const out = path.join(dir, 'september.pdf');
        const res = await runCliInProcess(['report', 'generate', '--month', '2026-09', '--out', out, '--json'], { env: { DATABASE_URL: t.url } });
        assert.equal(res.code, 0, res.stderr);
        const json = JSON.parse(res.stdout) as Record<string, unknown>;
        assert.deepEqual(Object.keys(json), [
          'reportId',
          'month',
          'version',
          'status',
          'asOf',
          'snapshotId',
          'sha256',
          'pages',
          'changes',
          'stale',
          'summary',
          'supersedes',
          'path',
        ]);
        assert.equal(json.month, '2026-09');
        assert.equal(json.version, 1);
        assert.equal(json.status, 'draft');
        assert.equal(json.asOf, '2026-09-30');
        // The first snapshot: nothing before it to compare with.
        assert.deepEqual(json.changes, { since: null, rag: [], deadline: [], flagsRaised: [], flagsCleared: [], completed: [] });
        assert.equal(json.stale, false);
        assert.equal(json.path, out);
        assert.equal(sha256(readFileSync(out)), json.sha256);

        const failed = await runCliInProcess(['report', 'generate', '--month', '2001-01', '--json'], { env: { DATABASE_URL: t.url } });
        assert.equal(failed.code, 1);
        const error = JSON.parse(failed.stdout) as { status: string; errors: Array<{ reason: string }> };
        assert.equal(error.status, 'failed');
        assert.match(error.errors[0]!.reason, /no snapshot with an as-of date on or before 2001-01-31/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('says beside the month what is wrong with a generate it refuses, and stores nothing', async () => {
      const secas = new TestClient(server.url);
      await secas.login('secas@example.org', PASSWORD);
      const before = await t.db.knex('reports').count({ n: '*' }).first();
      const badMonth = await secas.postForm('/reports/generate', { _csrf: await secas.csrfToken('/reports'), month: '2026-13' });
      assert.equal(badMonth.status, 422);
      assert.match(
        badMonth.text,
        /<p class="field-error" id="month-error"><span class="visually-hidden">Error:<\/span> The month must be written YYYY-MM \(got &quot;2026-13&quot;\)\.<\/p>/,
      );
      assert.match(badMonth.text, /<input id="month" name="month"[^>]* value="2026-13" aria-invalid="true" aria-describedby="month-error month-hint"/);
      const tooEarly = await secas.postForm('/reports/generate', { _csrf: await secas.csrfToken('/reports'), month: '2001-01' });
      assert.equal(tooEarly.status, 422);
      assert.match(
        tooEarly.text,
        /id="month-error">.*There is no snapshot with an as-of date on or before 2001-01-31, so there is nothing to report for 2001-01\. Import one first\./,
      );
      assert.deepEqual(await t.db.knex('reports').count({ n: '*' }).first(), before);
    });

    it('runs on without a browser, saying why reports cannot be made', async () => {
      const bare = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' }, {}, { chromePath: '/nonexistent/chromium' });
      try {
        const secas = new TestClient(bare.url);
        await secas.login('secas@example.org', PASSWORD);
        const page = await secas.get('/reports');
        assert.equal(page.status, 200);
        assert.match(
          page.text,
          /Reports cannot be rendered on this server<\/h2><p>No Chromium or Chrome was found\. Install one \(on Debian: apt-get install -y chromium\) or set CHROME_PATH/,
        );
        const before = await t.db.knex('reports').count({ n: '*' }).first();
        const refused = await secas.postForm('/reports/generate', { _csrf: await secas.csrfToken('/reports'), month: '2026-09' });
        assert.equal(refused.status, 503);
        assert.match(refused.text, /<h2>The report could not be made<\/h2><p>No Chromium or Chrome was found\..*Nothing was stored; try again/);
        assert.deepEqual(await t.db.knex('reports').count({ n: '*' }).first(), before);
        // Everything else answers as usual.
        assert.equal((await secas.get('/')).status, 200);
        assert.equal((await secas.get('/snapshots')).status, 200);
        assert.equal((await fetch(new URL('/healthz', bare.url))).status, 200);
      } finally {
        await bare.stop();
      }
    });

    it('answers the CLI with failed JSON when Chromium cannot start', async () => {
      // /bin/false is executable, so configuration accepts it, but it is no browser.
      const res = await runCliInProcess(['report', 'generate', '--month', '2026-09', '--json'], { env: { DATABASE_URL: t.url, CHROME_PATH: '/bin/false' } });
      assert.equal(res.code, 1, res.stderr);
      const json = JSON.parse(res.stdout) as { status: string; errors: Array<{ reason: string }> };
      assert.equal(json.status, 'failed');
      assert.match(json.errors[0]!.reason, /^Chromium could not start: /);
    });

    it('prints the implementation date and MAP register its snapshot was counted with, not today’s settings', async () => {
      // September's snapshot was counted with the implementation date 28 Jun 2018 and a MAP register;
      // since then SECAS changed the setting and emptied the register.
      await t.db
        .knex('snapshots')
        .where({ as_of: '2026-09-30' })
        .update({ rules_implementation_date: '2018-06-28', rules_map_register: JSON.stringify(['ABCD', 'EFGH']) });
      await t.db.knex('settings').insert({ key: 'implementation-date', value: '2019-01-01', updated_at: '2026-11-01 00:00:00.000', updated_by: 'test' });
      const dir = mkdtempSync(path.join(tmpdir(), 'bfm-rules-'));
      try {
        const out = path.join(dir, 'september.pdf');
        const res = await runCliInProcess(['report', 'generate', '--month', '2026-09', '--out', out], { env: { DATABASE_URL: t.url } });
        assert.equal(res.code, 0, res.stderr);
        const text = execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
        assert.match(text, /pre-notified to the inventory before the implementation date \(28 Jun 2018\)\./);
        assert.match(text, /exactly four letters or digits, and listed in the MAP register\./);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.db.knex('settings').where({ key: 'implementation-date' }).delete();
      }
    });
  });
}

/** The session cookie a TestClient holds, for a raw fetch of binary content. */
async function panelCookie(client: TestClient): Promise<string> {
  const res = await client.get('/reports');
  assert.equal(res.status, 200);
  return client.cookieHeader();
}
