// The scheduled monthly draft: with two instances and both schedulers on at the report day, one
// draft of each month missed; when Chromium dies mid-render, the run is recorded failed, retried, and stored once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { JobContext } from '../../jobs/context.ts';
import { dailyChecksJob } from '../../jobs/daily-checks.ts';
import { monthlyReportJob } from '../../jobs/monthly-report.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { waitFor } from '../helpers/processes.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestServer } from '../helpers/test-server.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';

/** A browser that kills its own Chromium the first time a render has opened its page. */
class DyingBrowser extends BrowserManager {
  killed = false;

  override async withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    return super.withPage(async (page) => {
      if (!this.killed) {
        this.killed = true;
        process.kill((await this.pid())!, 'SIGKILL');
      }
      return work(page);
    });
  }
}

async function seedProgramme(t: TestDatabase): Promise<void> {
  await seedUsers(t.db.knex, [{ userId: ALPHA, name: 'Alpha Energy' }]);
  await seedDeadline(t.db.knex, '2027-03-31');
  await seedSnapshot(t.db.knex, '2026-09-30', { [ALPHA]: { esme: [10_000, 2_000] } });
  await seedSnapshot(t.db.knex, '2026-10-30', { [ALPHA]: { esme: [10_000, 4_000] } });
}

for (const kind of databaseKinds) {
  describe(`the scheduled monthly report on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await kind.create();
      await seedProgramme(t);
    });
    after(async () => t?.drop());

    // MariaDB is what several instances share in production. Two instances in one test process on
    // one SQLite file would block each other: its driver waits for locks synchronously.
    it(
      'is drafted once when two instances with schedulers start on the report day',
      { skip: kind.name === 'sqlite' && 'needs two processes on SQLite; run on MariaDB' },
      async () => {
        // October 2026's report day is the 5th Working Day of November: 2, 3, 4, 5, 6 → Friday 6 Nov.
        // At 06:00:30 London time both instances find it due and race for it.
        const clock = () => new Date('2026-11-06T06:00:30Z');
        const started = await Promise.allSettled([
          startTestServer(t.url, {}, { scheduler: true, clock }),
          startTestServer(t.url, {}, { scheduler: true, clock }),
        ]);
        const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        try {
          for (const s of started) if (s.status === 'rejected') throw s.reason;
          const run = await waitFor(
            async () => {
              const rows = await t.db.knex('job_runs').where({ job: 'monthly-report', run_key: 'report:2026-10', status: 'succeeded' });
              return rows.length ? rows : undefined;
            },
            'the monthly report run to succeed',
            60_000,
          );
          // Give the losing instance time to finish whatever it was doing.
          await new Promise((r) => setTimeout(r, 1500));
          assert.equal(run.length, 1);
          const reports = await t.db.knex('reports').where({ month: '2026-10' });
          assert.equal(reports.length, 1, 'exactly one draft');
          assert.equal(reports[0].generated_by, 'scheduler');
          assert.match(JSON.parse(run[0].details).summary, /^Drafted version 1 of the 2026-10 report \(\d+ pages, positions as of 2026-10-30\)\.$/);
          // The service was not running on September's report day either (6 Oct): caught up too, oldest
          // first, once across the two instances — one claim a month, no second attempt.
          assert.deepEqual(
            (await t.db.knex('job_runs').where({ job: 'monthly-report' }).orderBy('run_key')).map((r) => [r.run_key, r.attempt, r.status]),
            [
              ['report:2026-09', 1, 'succeeded'],
              ['report:2026-10', 1, 'succeeded'],
            ],
          );
          assert.deepEqual(
            (await t.db.knex('reports').orderBy('month')).map((r) => [r.month, r.version]),
            [
              ['2026-09', 1],
              ['2026-10', 1],
            ],
          );
        } finally {
          await Promise.all(servers.map((s) => s.stop()));
        }
        // A restart the same day catches nothing up: it is done.
        const c = await startTestServer(t.url, {}, { scheduler: true, clock });
        await new Promise((r) => setTimeout(r, 1000));
        await c.stop();
        assert.equal((await t.db.knex('reports').where({ month: '2026-10' })).length, 1);
      },
    );

    it('records a render killed mid-way as failed, retries it and stores it once', async () => {
      await t.db.knex('reports').del();
      await t.db.knex('job_runs').del();
      const logger = createLogger('silent');
      const browser = new DyingBrowser(process.env.CHROME_PATH, logger);
      let now = new Date('2026-11-06T06:00:00Z');
      const ctx: JobContext = { db: t.db, knex: t.db.knex, config: parseConfig({ DATABASE_URL: t.url }), logger, browser };
      const definition = monthlyReportJob();
      const runner = new JobRunner(ctx, [definition], { clock: () => now, backoffMs: () => 60_000 });
      try {
        const first = await runner.trigger(definition);
        assert.equal(first?.state, 'failed');
        assert.equal(browser.killed, true);
        assert.equal((await t.db.knex('reports')).length, 0, 'nothing stored from the failed render');
        const failed = await t.db.knex('job_runs').where({ run_key: 'report:2026-10', attempt: 1 }).first();
        assert.equal(failed.status, 'failed');
        assert.match(failed.error, /report could not be rendered|Target closed|Protocol error|disconnected|Session closed/i);

        now = new Date(now.getTime() + 61_000);
        const retried = await runner.retryDue();
        assert.deepEqual(
          retried.map((o) => o.state),
          ['succeeded'],
        );
        assert.equal((await t.db.knex('reports').where({ month: '2026-10' })).length, 1);
        assert.deepEqual(
          (await t.db.knex('job_runs').orderBy('attempt')).map((r) => [r.attempt, r.status]),
          [
            [1, 'failed'],
            [2, 'succeeded'],
          ],
        );
        assert.equal((await runner.trigger(definition))?.state, 'done', 'a later trigger the same day does nothing');
      } finally {
        await browser.close();
      }
    });
  });
}

for (const kind of databaseKinds) {
  describe(`the daily compliance check on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await kind.create();
      await seedProgramme(t);
    });
    after(async () => t?.drop());

    it('records each morning the Users at RED and the flags raised since the day before', async () => {
      const logger = createLogger('silent');
      const browser = new BrowserManager(process.env.CHROME_PATH, logger);
      const ctx: JobContext = { db: t.db, knex: t.db.knex, config: parseConfig({ DATABASE_URL: t.url }), logger, browser };
      const definition = dailyChecksJob();
      let now = new Date('2026-11-06T06:30:00Z');
      const runner = new JobRunner(ctx, [definition], { clock: () => now });
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      const first = JSON.parse((await t.db.knex('job_runs').where({ run_key: 'checks:2026-11-06' }).first()).details);
      // Alpha: baseline 8,000 outstanding (30 Sep snapshot), no declaration, the notification window
      // long closed → NOTIFICATION_MISSING, raised for the first time.
      assert.deepEqual(first.newFlags, [{ userId: ALPHA, name: 'Alpha Energy', flag: 'NOTIFICATION_MISSING' }]);
      assert.equal(first.asOf, '2026-10-30');
      assert.match(first.summary, /^As of 2026-10-30: \d RED, \d AMBER, \d GREEN; 1 new compliance flag\(s\)\.$/);

      now = new Date('2026-11-09T06:30:00Z');
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      const second = JSON.parse((await t.db.knex('job_runs').where({ run_key: 'checks:2026-11-09' }).first()).details);
      assert.deepEqual(second.newFlags, [], 'the same flag is not new the next day');
      assert.equal((await runner.trigger(definition))?.state, 'done', 'once a day');
    });
  });
}
