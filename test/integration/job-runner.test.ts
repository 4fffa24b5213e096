// Job runs are claimed in the database: any number of runners produce each run key once, a failed
// run is retried after its backoff, and a run whose instance died is taken over.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../db/connection.ts';
import { toDbInstant } from '../../db/instant.ts';
import { JobRunner, type JobDefinition } from '../../jobs/runner.ts';
import { createLogger, type Logger } from '../../server/logger.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';

type Ctx = { knex: Database['knex']; logger: Logger };

function job(name: string, run: JobDefinition<Ctx>['run'], maxAttempts = 3): JobDefinition<Ctx> {
  return { name, schedule: '0 6 * * *', keyAt: () => 'k', run, maxAttempts };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of databaseKinds) {
  describe(`job runs on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let second: Database;
    const logger = createLogger('silent');

    before(async () => {
      t = await kind.create();
      // A second connection pool stands for a second instance of the service.
      second = openDatabase(t.url);
    });
    after(async () => {
      await second?.close();
      await t?.drop();
    });

    it('runs a key once however many instances race for it', async () => {
      let runs = 0;
      const definition = job('race', async () => {
        runs += 1;
        await sleep(200);
        return { produced: 'one thing' };
      });
      const runners = [
        new JobRunner({ knex: t.db.knex, logger }, [definition], { instance: 'a' }),
        new JobRunner({ knex: second.knex, logger }, [definition], { instance: 'b' }),
        new JobRunner({ knex: t.db.knex, logger }, [definition], { instance: 'c' }),
      ];
      const outcomes = await Promise.all(runners.map((r) => r.run(definition, 'report:2026-10')));
      assert.equal(runs, 1);
      assert.deepEqual(outcomes.map((o) => o.state).sort(), ['busy', 'busy', 'succeeded']);
      // Later triggers and restarts find it done.
      assert.equal((await runners[1]!.run(definition, 'report:2026-10')).state, 'done');
      const rows = await t.db.knex('job_runs').where({ job: 'race' });
      assert.equal(rows.length, 1);
      assert.equal(rows[0].status, 'succeeded');
      assert.deepEqual(JSON.parse(rows[0].details), { produced: 'one thing' });
      assert.ok(rows[0].duration_ms >= 150, `duration recorded (${rows[0].duration_ms} ms)`);
    });

    it('retries a failed run after its backoff, and keeps the failure visible', async () => {
      let now = new Date('2026-12-07T06:00:00Z');
      let calls = 0;
      const definition = job('flaky', () => {
        calls += 1;
        return calls === 1 ? Promise.reject(new Error('Chromium crashed')) : Promise.resolve('ok');
      });
      const runner = new JobRunner({ knex: t.db.knex, logger }, [definition], { instance: 'a', clock: () => now, backoffMs: () => 60_000 });
      const first = await runner.run(definition, 'report:2026-11');
      assert.deepEqual({ state: first.state, error: 'error' in first ? first.error : undefined }, { state: 'failed', error: 'Chromium crashed' });
      now = new Date(now.getTime() + 30_000);
      assert.deepEqual(await runner.retryDue(), [], 'not yet due');
      assert.equal((await runner.run(definition, 'report:2026-11')).state, 'waiting');
      now = new Date(now.getTime() + 31_000);
      const retried = await runner.retryDue();
      assert.deepEqual(
        retried.map((o) => o.state),
        ['succeeded'],
      );
      const rows = await t.db.knex('job_runs').where({ job: 'flaky' }).orderBy('attempt');
      // The retry time is cleared once the retry is claimed, so only the latest attempt can be due.
      assert.deepEqual(
        rows.map((r) => [r.attempt, r.status, r.error, r.retry_at]),
        [
          [1, 'failed', 'Chromium crashed', null],
          [2, 'succeeded', null, null],
        ],
      );
    });

    it('gives up after the last attempt and leaves it failed', async () => {
      let now = new Date('2026-12-07T06:00:00Z');
      const definition = job('broken', () => Promise.reject(new Error('no snapshot for the month')), 2);
      const runner = new JobRunner({ knex: t.db.knex, logger }, [definition], { instance: 'a', clock: () => now, backoffMs: () => 1000 });
      await runner.run(definition, 'k');
      now = new Date(now.getTime() + 2000);
      await runner.retryDue();
      now = new Date(now.getTime() + 2000);
      assert.deepEqual(await runner.retryDue(), [], 'no retry is due after the last attempt');
      assert.equal((await runner.run(definition, 'k')).state, 'gave-up');
      const rows = await t.db.knex('job_runs').where({ job: 'broken' }).orderBy('attempt');
      assert.deepEqual(
        rows.map((r) => [r.attempt, r.status, r.retry_at]),
        [
          [1, 'failed', null],
          [2, 'failed', null],
        ],
      );
    });

    it('takes over a run whose instance stopped beating, and only then', async () => {
      const definition = job('orphan', () => Promise.resolve('finished by b'));
      const at = new Date('2026-12-07T06:00:00Z');
      await t.db
        .knex('job_runs')
        .insert({ job: 'orphan', run_key: 'k', attempt: 1, status: 'running', instance: 'dead:1', started_at: toDbInstant(at), heartbeat_at: toDbInstant(at) });
      const early = new JobRunner({ knex: second.knex, logger }, [definition], {
        instance: 'b',
        clock: () => new Date(at.getTime() + 60_000),
        staleAfterMs: 5 * 60_000,
      });
      assert.equal((await early.run(definition, 'k')).state, 'busy', 'a minute of silence is not death');
      const late = new JobRunner({ knex: second.knex, logger }, [definition], {
        instance: 'b',
        clock: () => new Date(at.getTime() + 6 * 60_000),
        staleAfterMs: 5 * 60_000,
      });
      assert.equal((await late.run(definition, 'k')).state, 'succeeded');
      const rows = await t.db.knex('job_runs').where({ job: 'orphan' }).orderBy('attempt');
      assert.deepEqual(
        rows.map((r) => [r.attempt, r.status, r.instance]),
        [
          [1, 'failed', 'dead:1'],
          [2, 'succeeded', 'b'],
        ],
      );
      assert.match(rows[0].error, /Abandoned: instance dead:1 stopped responding/);
    });

    it('catches up missed keys once', async () => {
      let runs = 0;
      const definition: JobDefinition<Ctx> = {
        ...job('catch', () => Promise.resolve(++runs)),
        missed: () => Promise.resolve(['report:2026-09', 'report:2026-10']),
      };
      const runner = new JobRunner({ knex: t.db.knex, logger }, [definition], { instance: 'a' });
      assert.deepEqual(
        (await runner.catchUp()).map((o) => o.state),
        ['succeeded', 'succeeded'],
      );
      assert.deepEqual(
        (await runner.catchUp()).map((o) => o.state),
        ['done', 'done'],
        'a second start finds them done',
      );
      assert.equal(runs, 2);
    });
  });
}
