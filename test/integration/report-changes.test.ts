// "Change" and "Changes since the last report" for a worked scenario with a deadline move (SPEC §5),
// through the CLI as SECAS would run it, on each database: November 2019's report compared with
// October's — first with no October report published (positions as things stood on 31 October),
// then with it published (its stored figures) — and the dashboard giving the same change.
//
// Snapshots 30 Sep, 31 Oct and 29 Nov 2019; the deadline 31 Dec 2019 (decided 3 Jul 2018), moved on
// 7 Nov 2019 to 30 Jun 2020. Working Days: October 2019 has 23, November 21, December 20 (25 and 26
// are holidays), so from 31 Oct to 31 Dec is 41.
//
// Alpha  10,000 in scope; completed 2,000 → 4,300 → 6,400 (outstanding 8,000 → 5,700 → 3,600).
//        Rate 100/WD both months (2,300 / 23, 2,100 / 21). October: 5,700 / 100 = 57 WDs from 31 Oct
//        → 23 Jan 2020, after 31 Dec 2019: AMBER "projected after deadline". November: 36 WDs from
//        29 Nov → 23 Jan 2020, before 30 Jun 2020: GREEN "on track" — the move is why. 12 invalid in
//        November raises INVALID_MAP_IDS.
// Beta    5,000 in scope; 1,000 completed throughout: RED "no progress" both months. 5 new meters
//        without a MAP ID in October only: NEW_WITHOUT_MAP_ID cleared.
// Gamma   2,000 in scope; 1,500 → 1,990 → 2,000: GREEN "on track", then GREEN "complete": newly
//        complete, no RAG move.
// Delta  first seen in November (300 in scope, none done), unregistered: null → AMBER "not enough
//        snapshots"; NOTIFICATION_MISSING and UNREGISTERED_USER raised. (Every User has no
//        declaration, so NOTIFICATION_MISSING stands for Alpha, Beta and Gamma in both months.)
// Programme outstanding 9,710 → 7,900 (−1,810); completed 7,290 → 9,400 (+2,110).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toDbInstant } from '../../db/instant.ts';
import type { JobContext } from '../../jobs/context.ts';
import { monthlyReportJob } from '../../jobs/monthly-report.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { findChrome } from '../../server/reports/chrome.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { insertSnapshot } from './programme-fixtures.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';
const GAMMA = '90-B3-D5-1F-30-01-00-0C';
const DELTA = '90-B3-D5-1F-30-01-00-0D';
const MOVE_REASON = 'Moved by six months: suppliers’ systems for the MAP ID update were late';

const EXPECTED_CHANGES = {
  since: '2019-10-31',
  rag: [
    { userId: DELTA, name: DELTA, from: null, to: 'AMBER' },
    { userId: ALPHA, name: 'Alpha Energy', from: 'AMBER', to: 'GREEN' },
  ],
  deadline: [{ from: '2019-12-31', to: '2020-06-30', decidedOn: '2019-11-07', reason: MOVE_REASON }],
  flagsRaised: [
    { userId: ALPHA, flag: 'INVALID_MAP_IDS' },
    { userId: DELTA, flag: 'NOTIFICATION_MISSING' },
    { userId: DELTA, flag: 'UNREGISTERED_USER' },
  ],
  flagsCleared: [{ userId: BETA, flag: 'NEW_WITHOUT_MAP_ID' }],
  completed: [GAMMA],
};

const chrome = findChrome(process.env.CHROME_PATH);

async function seedScenario(t: TestDatabase): Promise<void> {
  const { knex } = t.db;
  const at = '2019-07-01 00:00:00.000';
  await knex('dcc_users').insert(
    [
      [ALPHA, 'Alpha Energy'],
      [BETA, 'Beta Gas & Power'],
      [GAMMA, 'Gamma Supply'],
    ].map(([userId, name]) => ({ user_id: userId, name, registered: true, created_at: at, updated_at: at })),
  );
  await knex('deadlines').insert({
    deadline: '2019-12-31',
    decided_on: '2018-07-03',
    reason: 'Set by the Panel when it approved SECMP0011',
    recorded_by: 'test',
    recorded_at: '2018-07-03 10:00:00.000',
  });
  await insertSnapshot(knex, '2019-09-30', { [ALPHA]: { esme: [10_000, 2_000] }, [BETA]: { esme: [5_000, 1_000] }, [GAMMA]: { gsme: [2_000, 1_500] } });
  await insertSnapshot(knex, '2019-10-31', {
    [ALPHA]: { esme: [10_000, 4_300] },
    [BETA]: { esme: [5_000, 1_000, 0, 5] },
    [GAMMA]: { gsme: [2_000, 1_990] },
  });
  await insertSnapshot(knex, '2019-11-29', {
    [ALPHA]: { esme: [10_000, 6_400, 12] },
    [BETA]: { esme: [5_000, 1_000] },
    [GAMMA]: { gsme: [2_000, 2_000] },
    [DELTA]: { esme: [300, 0] },
  });
}

/** The Panel's move, recorded now: after anything generated before this call. */
async function recordMove(t: TestDatabase): Promise<void> {
  await t.db
    .knex('deadlines')
    .insert({ deadline: '2020-06-30', decided_on: '2019-11-07', reason: MOVE_REASON, recorded_by: 'test', recorded_at: toDbInstant() });
}

function pdfText(file: string, layout = false): string {
  return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' });
}

for (const kind of databasesFor('sql')) {
  describe(`changes since the last report, on ${kind.name}`, { skip: kind.skip ?? (chrome ? undefined : 'no Chromium here') }, () => {
    let t: TestDatabase;
    let dir: string;
    let server: TestServer;
    const cli = (args: string[]) => runCliInProcess(args, { env: { DATABASE_URL: t.url, DATA_DIR: dir } });
    const json = async (args: string[]) => {
      const run = await cli([...args, '--json']);
      assert.equal(run.code, 0, run.stderr + run.stdout);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };

    before(async () => {
      t = await kind.create();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-changes-'));
      await seedScenario(t);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('without an October report: compares with 31 October as things stood then, the old deadline included', async () => {
      await recordMove(t);
      const november = await json(['report', 'generate', '--month', '2019-11']);
      assert.deepEqual(november.changes, EXPECTED_CHANGES);
      assert.equal(november.stale, false);
      assert.equal(november.summary, null);
      assert.equal(november.supersedes, null);
      // The dashboard on the same snapshot: the same change, dated the same.
      await addRoleAccounts(t.db.knex);
      server = await startTestServer(t.url);
      const secas = (await loggedInClients(server.url)).get('secas')!;
      const overview = await secas.get('/?asOf=2019-11-30');
      assert.equal(overview.status, 200);
      assert.match(overview.text, /−1,810 since 31 Oct 2019/);
      assert.match(overview.text, /Compared with the positions as of 31 Oct 2019, as things stood then\./);
      assert.match(overview.text, new RegExp(MOVE_REASON));
      const alphaPage = await secas.get(`/users/${ALPHA}?asOf=2019-11-30`);
      assert.match(alphaPage.text, /−2,100 outstanding since 31 Oct 2019/);
      // RED first, then AMBER, then GREEN; within GREEN the most outstanding first (Alpha 3,600, Gamma 0).
      const order = [...overview.text.matchAll(/<tr data-rag="(\w+)">\s*<th scope="row"[^>]*><a href="\/users\/([0-9A-F-]+)[?"]/g)].map(
        (m) => `${m[1]} ${m[2]}`,
      );
      assert.deepEqual(order, [`RED ${BETA}`, `AMBER ${DELTA}`, `GREEN ${ALPHA}`, `GREEN ${GAMMA}`]);
      await server.stop();
      server = undefined as unknown as TestServer;
    });

    it('with October’s report published: compares with what it told the Panel, and names it', async () => {
      const { knex } = t.db;
      await knex('reports').del();
      await knex('deadlines').where({ deadline: '2020-06-30' }).del();
      // October's report, made (and published) before the Panel moved the deadline.
      const october = await json(['report', 'generate', '--month', '2019-10']);
      assert.equal(october.version, 1);
      await json(['report', 'publish', '--month', '2019-10']);
      await recordMove(t);
      const out = path.join(dir, 'november.pdf');
      const november = await json(['report', 'generate', '--month', '2019-11', '--out', out]);
      assert.deepEqual(november.changes, EXPECTED_CHANGES);
      const flat = pdfText(out).replace(/\s+/g, ' ');
      assert.match(flat, /Changes since the last report Compared with report BFM-2019-10-v1 \(positions as of 31 Oct 2019\)\./);
      for (const name of ['Alpha Energy', DELTA]) assert.match(flat, new RegExp(`RAG moves .*${name}`), `${name} is among the RAG moves`);
      assert.match(flat, /31 Dec 2019 → 30 Jun 2020, decided on 7 Nov 2019\. The Panel's reason: Moved by six months: suppliers’ systems/);
      assert.match(flat, /Raised for Alpha Energy: INVALID_MAP_IDS/);
      assert.match(flat, /Cleared for Beta Gas & Power: NEW_WITHOUT_MAP_ID/);
      assert.match(flat, /Users newly complete Gamma Supply/);
      assert.match(flat, /Snapshots received As of 29 Nov 2019: smi-2019-11-29\.csv/);
      // The dashboard again: compared with the same report.
      server = await startTestServer(t.url);
      const secas = (await loggedInClients(server.url)).get('secas')!;
      const overview = await secas.get('/?asOf=2019-11-30');
      assert.match(overview.text, /Compared with report BFM-2019-10-v1 \(positions as of 31 Oct 2019\)\./);
      assert.match(overview.text, /−1,810 since 31 Oct 2019/);
    });

    it('prints SECAS’s summary and decisions, RED before GREEN, and marks a correction on the cover', async () => {
      const summaryFile = path.join(dir, 'summary.txt');
      writeFileSync(
        summaryFile,
        'Progress picked up in November.\n\nThe Panel moved the deadline on 7 November:\n- Alpha Energy is now on track\n- Beta Gas & Power has made no progress since September <b>again</b>\n',
      );
      const decisionsFile = path.join(dir, 'decisions.txt');
      writeFileSync(decisionsFile, '1. Note the report.\n2. Agree to write to Beta Gas & Power.\n');
      // Beta's trail: a note in October (the last report's month) and a letter in November, due before its end, unanswered.
      for (const args of [
        ['--on', '2019-10-15', '--kind', 'note', '--text', 'Called Beta about its stalled backfill'],
        ['--on', '2019-11-12', '--kind', 'letter-sent', '--text', 'Letter asking for a recovery plan', '--due', '2019-11-26'],
      ]) {
        const added = await cli(['actions', 'add', '--user', BETA, ...args]);
        assert.equal(added.code, 0, added.stderr);
      }
      // The Panel Secretariat's paper reference, and the Panel Information Policy's WHITE.
      for (const [key, value] of [
        ['paper-reference', 'SECP_123_04'],
        ['report-classification', 'WHITE'],
      ] as const) {
        const set = await cli(['settings', 'set', key, value]);
        assert.equal(set.code, 0, set.stderr);
      }
      const out = path.join(dir, 'november-2.pdf');
      const draft = await json(['report', 'generate', '--month', '2019-11', '--summary-file', summaryFile, '--decisions-file', decisionsFile, '--out', out]);
      assert.equal(draft.version, 2);
      assert.match(String(draft.summary), /^Progress picked up in November\./);
      const flat = pdfText(out).replace(/\s+/g, ' ');
      assert.match(
        flat,
        /Executive summary Progress picked up in November\. The Panel moved the deadline on 7 November: Alpha Energy is now on track Beta Gas & Power has made no progress since September <b>again<\/b>/,
      );
      assert.match(flat, /Decisions sought from the Panel 1\. Note the report\. 2\. Agree to write to Beta Gas & Power\./);
      assert.match(
        flat,
        /Beta Gas & Power 90-B3-D5-1F-30-01-00-0B RED no progress .* Enforcement actions since the last report 12 Nov 2019 · Letter sent: Letter asking for a recovery plan \(due 26 Nov 2019\) recorded by \S+ Overdue: Letter sent of 12 Nov 2019, due 26 Nov 2019: Letter asking for a recovery plan/,
      );
      assert.doesNotMatch(flat, /Called Beta about its stalled backfill/, 'October’s note was in October’s report');
      // The Every User table: Beta (RED) before Delta (AMBER) before Alpha and Gamma (GREEN).
      const table = flat.slice(flat.indexOf('Every User RED first'));
      const at = (text: string) => table.indexOf(text);
      assert.ok(at('Beta Gas & Power') < at(DELTA) && at(DELTA) < at('Alpha Energy') && at('Alpha Energy') < at('Gamma Supply'), 'RED, AMBER, GREEN');
      const pages = pdfText(out, true)
        .split('\f')
        .filter((page) => page.trim() !== '');
      assert.ok(
        pages.every((page) => /^\s*Classification: WHITE/.test(page)),
        'every page is marked WHITE at the top',
      );
      assert.match(flat, /Report to the SEC Panel · Paper SECP_123_04 .* Report reference BFM-2019-11-v2 Panel paper SECP_123_04 /);
      assert.match(flat, /Contents 1\. Executive summary 2\. Summary 3\. Changes since the last report 4\. Every User 5\. Users at RED or AMBER/);

      const published = await json(['report', 'publish', '--month', '2019-11']);
      assert.deepEqual(published, { month: '2019-11', version: 2, status: 'published', sha256: draft.sha256, asOf: '2019-11-29', supersedes: null });
      // Publishing again, or drafting without a reason, is refused: the published report stays.
      const again = await cli(['report', 'generate', '--month', '2019-11']);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /Version 2 of 2019-11 is published and stays as it is\. To change it, issue a correction with a reason/);

      const corrected = path.join(dir, 'november-3.pdf');
      const correction = await json(['report', 'correct', '--month', '2019-11', '--reason', 'Beta’s figures were misread', '--out', corrected]);
      assert.equal(correction.version, 3);
      assert.deepEqual(correction.supersedes, { version: 2, reason: 'Beta’s figures were misread' });
      assert.equal(correction.summary, draft.summary, 'the summary is carried over');
      assert.match(pdfText(corrected).replace(/\s+/g, ' '), /Supersedes version 2: Beta’s figures were misread/);
      // Kept to look at: a report with a summary, changes, actions and a correction.
      mkdirSync('test/artifacts', { recursive: true });
      copyFileSync(corrected, `test/artifacts/report-paper-${kind.name}.pdf`);
      await json(['report', 'publish', '--month', '2019-11', '--version', '3']);
      const list = (await json(['report', 'list'])) as unknown as Array<Record<string, unknown>>;
      assert.deepEqual(
        list.map((r) => [r.month, r.version, r.status, r.supersedes]),
        [
          ['2019-11', 3, 'published', { version: 2, reason: 'Beta’s figures were misread' }],
          ['2019-11', 2, 'superseded', null],
          ['2019-11', 1, 'draft', null],
          ['2019-10', 1, 'published', null],
        ],
      );
      // The Panel sees both published versions of November, the current first.
      const { token } = await createApiToken(t.db.knex, { name: 'panel system', role: 'panel' }, { kind: 'system', name: 'test' });
      const reports = await fetch(`${server.url}/api/v1/reports`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(reports.status, 200);
      const seen = ((await reports.json()) as { reports: Array<{ id: number; month: string; version: number; status: string }> }).reports;
      assert.deepEqual(
        seen.map((r) => [r.month, r.version, r.status]),
        [
          ['2019-11', 3, 'published'],
          ['2019-11', 2, 'superseded'],
          ['2019-10', 1, 'published'],
        ],
      );
      // One version as a system reads it: what it told the Panel and the changes it printed.
      const one = await fetch(`${server.url}/api/v1/reports/${seen[0]!.id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(one.status, 200);
      const body = (await one.json()) as {
        changes: unknown;
        summary: string;
        supersedes: unknown;
        figures: { asOf: string; programme: { outstanding: number } };
      };
      assert.deepEqual(body.changes, EXPECTED_CHANGES);
      assert.equal(body.summary, draft.summary);
      assert.deepEqual(body.supersedes, { version: 2, reason: 'Beta’s figures were misread' });
      assert.deepEqual([body.figures.asOf, body.figures.programme.outstanding], ['2019-11-29', 7_900]);
    });

    it('lets SECAS write, preview and generate a correction on the Reports page, escaping what is typed', async () => {
      const clients = await loggedInClients(server.url);
      const secas = clients.get('secas')!;
      const page = await secas.get('/reports/2019-10/draft');
      assert.equal(page.status, 200);
      assert.match(page.text, /Correct the October 2019 report/);
      assert.equal((await clients.get('panel')!.get('/reports/2019-10/draft')).status, 403);
      const _csrf = await secas.csrfToken('/reports/2019-10/draft');
      const summary = 'Figures <script>alert(1)</script> as sent.\nWe ask:\n- the first\n- the second';
      const preview = await secas.postForm('/reports/2019-10/draft', { _csrf, step: 'preview', summary, decisions: 'Note it', reason: '' });
      assert.equal(preview.status, 200);
      assert.match(
        preview.text.replace(/>\s+</g, '><'),
        /<p>Figures &lt;script&gt;alert\(1\)&lt;\/script&gt; as sent\.<br>We ask:<\/p><ul><li>the first<\/li><li>the second<\/li><\/ul>/,
      );
      assert.doesNotMatch(preview.text, /<script>alert/);
      assert.equal(
        await t.db
          .knex('reports')
          .where({ month: '2019-10' })
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        1,
        'a preview stores nothing',
      );
      const noReason = await secas.postForm('/reports/2019-10/draft', { _csrf, step: 'generate', summary, decisions: '', reason: '  ' });
      assert.equal(noReason.status, 422);
      assert.match(noReason.text, /Say why the published report is being corrected/);
      assert.match(noReason.text, /We ask:/, 'what was typed is kept');
      const made = await secas.postForm('/reports/2019-10/draft', { _csrf, step: 'generate', summary, decisions: '', reason: 'A figure was wrong' });
      assert.equal(made.status, 303);
      const rows = await t.db
        .knex('reports')
        .where({ month: '2019-10' })
        .orderBy('version')
        .select('version', 'status', 'summary', 'supersedes_version', 'correction_reason');
      assert.deepEqual(
        rows.map((r) => [r.version, r.status, r.supersedes_version, r.correction_reason]),
        [
          [1, 'published', null, null],
          [2, 'draft', 1, 'A figure was wrong'],
        ],
      );
      assert.equal(rows[1].summary, summary);
      const list = await secas.get('/reports');
      assert.match(list.text, /Supersedes version 1: A figure was wrong/);
      assert.match(list.text, /Publish v2/, 'the correction can be published in version 1’s place');
    });

    it('says plainly when the data is stale: on the cover and summary, in the job run, and on the dashboard', async () => {
      // December 2019: no snapshot since November's report (29 Nov), and 29 Nov is 20 WDs before 31 Dec (more than 15).
      const out = path.join(dir, 'december.pdf');
      const december = await json(['report', 'generate', '--month', '2019-12', '--out', out]);
      assert.equal(december.stale, true);
      assert.equal(december.asOf, '2019-11-29');
      const flat = pdfText(out).replace(/\s+/g, ' ');
      const notice =
        'Stale data. No snapshot has arrived since the last report: these positions are as of 29 Nov 2019, the same snapshot it used. ' +
        'The newest snapshot, as of 29 Nov 2019, is 20 Working Days older than the end of December 2019 (more than the 15 allowed before figures are called stale).';
      assert.equal(flat.split(notice).length - 1, 2, 'on the cover and in the summary');
      // The scheduled draft of January 2020 says so in its run.
      const logger = createLogger('silent');
      const browser = new BrowserManager(process.env.CHROME_PATH, logger);
      try {
        const ctx: JobContext = { db: t.db, knex: t.db.knex, config: parseConfig({ DATABASE_URL: t.url }), logger, browser };
        const done = (await monthlyReportJob().run(ctx, 'report:2020-01', new AbortController().signal)) as { summary: string; stale: boolean };
        assert.match(String(done.summary), /^Drafted version 1 of the 2020-01 report \(\d+ pages, positions as of 2019-11-29\)\. Stale data: /);
        assert.equal(done.stale, true);
      } finally {
        await browser.close();
      }
      // The dashboard at the end of March 2020: 29 Nov 2019 is 84 WDs before it (Dec 20, Jan 22, Feb 20, Mar 22).
      const secas = (await loggedInClients(server.url)).get('secas')!;
      const overview = await secas.get('/?asOf=2020-03-31');
      assert.match(
        overview.text,
        /<strong>These figures rest on old data\.<\/strong> The newest snapshot is as of 29 Nov 2019, 84 Working Days before 31 Mar 2020/,
      );
      assert.doesNotMatch((await secas.get('/?asOf=2019-12-06')).text, /These figures rest on old data/, '5 WDs is not stale');
    });
  });
}
