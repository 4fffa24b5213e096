// A first run that reassures: an installation started empty records the monthly report as waiting
// for a first snapshot (skipped, at info) instead of failing it with an error and retries, shows it
// so on Job runs, records it once however often it restarts, and drafts the month once a snapshot
// arrives.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { JobContext } from '../../jobs/context.ts';
import { jobDefinitions } from '../../jobs/definitions.ts';
import { monthlyReportJob, WAITING_FOR_FIRST_SNAPSHOT } from '../../jobs/monthly-report.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { startJobs } from '../../jobs/start.ts';
import { parseConfig } from '../../server/config.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { ROOT, runBackfill, waitFor } from '../helpers/processes.ts';
import { readFileSync } from 'node:fs';
import { seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestServer } from '../helpers/test-server.ts';

// Tuesday 8 December 2026, 10:00 London: November's report day (the 5th Working Day: 1, 2, 3, 4, 7
// December) has passed, so November is the month a catch-up at this start is due to report on.
const NOW = new Date('2026-12-08T10:00:00Z');
const clock = (): Date => NOW;

interface LogLine {
  level: number;
  msg: string;
}

/** A logger at info whose lines are kept, as a person starting the server would read them. */
function capturedLogger(): { logger: JobContext['logger']; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

for (const kind of databasesFor('sql')) {
  describe(`an installation started empty on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dataDir: string;
    let ctx: JobContext;
    let lines: LogLine[];

    before(async () => {
      t = await kind.create();
      dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-first-run-'));
      const captured = capturedLogger();
      lines = captured.lines;
      const config = parseConfig({ DATABASE_URL: t.url, DATA_DIR: dataDir, LOG_LEVEL: 'info' });
      ctx = { db: t.db, knex: t.db.knex, config, logger: captured.logger, browser: new BrowserManager(config.chromePath, captured.logger) };
    });
    after(async () => {
      await ctx?.browser.close();
      await t?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("records November's report as waiting for a first snapshot at the scheduler's catch-up, with no error logged", async () => {
      const jobs = startJobs(ctx, clock);
      let runs;
      try {
        runs = await waitFor(
          async () => {
            const rows = await t.db.knex('job_runs').where({ job: 'monthly-report' }).whereNot('status', 'running');
            return rows.length ? rows : undefined;
          },
          'the monthly report run to be recorded',
          20_000,
        );
      } finally {
        await jobs.stop();
      }
      assert.equal(runs.length, 1);
      const [run] = runs;
      assert.equal(run.run_key, 'report:2026-11');
      assert.equal(run.status, 'skipped');
      assert.equal(run.attempt, 1);
      assert.equal(run.error, null);
      assert.equal(run.retry_at, null, 'a run waiting for data is not retried');
      const details = JSON.parse(run.details) as { summary: string; outcome: string };
      assert.equal(details.outcome, WAITING_FOR_FIRST_SNAPSHOT);
      assert.equal(details.summary, 'Skipped the November 2026 report: waiting for a first snapshot. It is drafted once one is imported.');

      const loud = lines.filter((l) => l.level >= 40);
      assert.deepEqual(loud, [], 'nothing logged at warn or above');
      assert.ok(
        lines.some(
          (l) => l.level === 30 && l.msg === 'job skipped: Skipped the November 2026 report: waiting for a first snapshot. It is drafted once one is imported.',
        ),
        'an info line says why',
      );
      const notices = await t.db.knex('notification_outbox').count({ n: '*' }).first();
      assert.equal(Number(notices?.n), 0, 'SECAS is sent no failure e-mail');
    });

    it('records the wait once, however often the installation starts again', async () => {
      const runner = new JobRunner(ctx, jobDefinitions(), { clock });
      const outcomes = await runner.catchUp();
      assert.deepEqual(outcomes, []);
      assert.equal((await t.db.knex('job_runs').where({ job: 'monthly-report' })).length, 1);
    });

    it("shows the wait on SECAS's Job runs page as skipped, with its reason", async () => {
      await addRoleAccounts(t.db.knex);
      const server = await startTestServer(t.url);
      try {
        const secas = (await loggedInClients(server.url)).get('secas')!;
        const page = await secas.get('/jobs');
        assert.equal(page.status, 200);
        const row = /<tr>\s*<td class="nowrap">[\s\S]*?<\/tr>/.exec(page.text)?.[0] ?? '';
        assert.match(row, /<code>report:2026-11<\/code>/);
        assert.match(row, /<span class="status status-skipped">skipped<\/span>/);
        assert.match(row, /Skipped the November 2026 report: waiting for a first snapshot\. It is drafted once one is imported\./);
        assert.doesNotMatch(row, /failed|retry/);
      } finally {
        await server.stop();
      }
    });

    it('drafts the month once a first snapshot arrives: the waiting run does not count as done', async () => {
      await seedUsers(t.db.knex, [{ userId: '90-B3-D5-1F-30-01-00-0A', name: 'Alpha Energy' }]);
      await seedSnapshot(t.db.knex, '2026-11-20', { '90-B3-D5-1F-30-01-00-0A': { esme: [500, 120] } });
      const definition = monthlyReportJob();
      assert.deepEqual(await definition.missed!(NOW, ctx), ['report:2026-11']);
      const runner = new JobRunner(ctx, [definition], { clock });
      // Claimed, not rendered: the draft itself is the report tests' business (it needs Chromium).
      const claim = await runner.claim(definition, 'report:2026-11');
      assert.equal(claim.state, 'claimed');
      assert.equal(claim.state === 'claimed' && claim.attempt, 2);
    });
  });
}

/** The README's sample commands, as written in the block under its first-run marker, split as a shell would. */
function readmeSampleCommands(): string[][] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- first-run:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README has the sample block under its first-run marker');
  return block
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      assert.match(line, /^npx backfill /, `every line of the block is a backfill command: ${line}`);
      return [...line.slice('npx backfill '.length).matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    });
}

interface ProgressUser {
  name: string;
  rag: string;
  reason: string;
  flags: string[];
  total: { inScope: number; completed: number; outstanding: number };
  wdRemaining: number;
}

for (const kind of databasesFor('sql')) {
  describe(`the README's sample, imported on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dataDir: string;
    before(async () => {
      t = await kind.create();
      dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-sample-'));
    });
    after(async () => {
      await t?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('goes in cleanly, command by command, as the README writes them', async () => {
      const env = { DATABASE_URL: t.url, DATA_DIR: dataDir };
      const commands = readmeSampleCommands();
      assert.deepEqual(
        commands.map((c) => c.slice(0, 2).join(' ')),
        ['map-register import', 'users import', 'deadline set', 'declarations import', 'allowances import', 'snapshot import', 'progress'],
      );
      const printed: string[] = [];
      for (const args of commands) {
        const done = await runBackfill(args, { env });
        assert.equal(done.code, 0, `backfill ${args.join(' ')}: ${done.stderr}`);
        printed.push(done.stdout);
      }
      assert.match(printed[0]!, /Imported map-register\.csv: 4 rows — 4 added/);
      assert.match(printed[1]!, /Imported users\.csv: 4 rows — 4 added/);
      assert.match(printed[3]!, /Imported declarations\.csv: 4 rows — 4 added/);
      assert.match(printed[4]!, /Imported allowances\.csv: 4 rows — 4 added/);
      assert.match(printed[5]!, /Imported snapshot \d+ as of 2026-11-27: 459 rows, 459 accepted, 0 rejected\./);

      // Worked by hand from the files. 27 Nov 2026 (Fri) to 31 Mar 2027: 30 Nov, 21 in December
      // (23 weekdays less Christmas and Boxing Day's substitute, 28 Dec), 20 in January (less New
      // Year's Day), 20 in February, 21 in March (less Good Friday 26 Mar and Easter Monday 29 Mar) = 83.
      const progress = await runBackfill(['progress', '--json'], { env });
      const users = (JSON.parse(progress.stdout) as { asOf: string; users: ProgressUser[] }).users;
      const summary = users.map((u) => [u.name, u.total.inScope, u.total.completed, u.total.outstanding, u.rag, u.reason, u.flags.join(' '), u.wdRemaining]);
      assert.deepEqual(summary, [
        // 150 meters in scope, 100 with a MAP ID; 2 new meters without one. 50 / 83 WD is well within 20 a day, but one snapshot gives no rate.
        ['Northern Lights Energy', 150, 100, 50, 'AMBER', 'not enough snapshots', 'NEW_WITHOUT_MAP_ID', 83],
        // 120 outstanding over 83 WD needs 1.45 a day; its allowance is 1.
        ['Harbour Gas & Power', 120, 0, 120, 'RED', 'cannot finish within allowance', '', 83],
        ['Meadow Supply', 60, 60, 0, 'GREEN', 'complete', '', 83],
        // AB1, ZZ99 (not in the MAP register) and X-12 are invalid; its declaration came on 20 Jul 2018, after the window closed on 5 Jul.
        ['Crag Utilities', 40, 25, 15, 'AMBER', 'not enough snapshots', 'INVALID_MAP_IDS NOTIFICATION_LATE', 83],
      ]);
    });
  });
}
