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
import { waitFor } from '../helpers/processes.ts';
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
      assert.equal(details.summary, 'Skipped the 2026-11 report: waiting for a first snapshot. It is drafted once one is imported.');

      const loud = lines.filter((l) => l.level >= 40);
      assert.deepEqual(loud, [], 'nothing logged at warn or above');
      assert.ok(
        lines.some((l) => l.level === 30 && l.msg === 'job skipped: Skipped the 2026-11 report: waiting for a first snapshot. It is drafted once one is imported.'),
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
        assert.match(row, /Skipped the 2026-11 report: waiting for a first snapshot\. It is drafted once one is imported\./);
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
