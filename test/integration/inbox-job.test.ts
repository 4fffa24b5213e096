// The drop folder as a scheduled job: a file the DCC drops in DATA_DIR/inbox is imported by the
// run for its 5-minute slot, and the run's outcome is kept on the job runs page.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobContext } from '../../jobs/context.ts';
import { inboxJob, inboxKey } from '../../jobs/inbox-job.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';

const EXAMPLE = path.resolve('test/unit/snapshots/fixtures/snapshot-rules.csv');

describe('inbox run keys', () => {
  it('name the London wall-clock slot, in summer and in winter', () => {
    assert.equal(inboxKey(new Date('2026-07-01T09:05:00Z')), 'inbox:2026-07-01T10:05');
    assert.equal(inboxKey(new Date('2026-12-01T09:05:00Z')), 'inbox:2026-12-01T09:05');
  });
});

for (const kind of databaseKinds) {
  describe(`the drop-folder job on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dataDir: string;
    before(async () => {
      t = await kind.create();
      dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-inbox-job-'));
    });
    after(async () => {
      await t?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses a bad file into inbox/failed, then imports a good one, recording each run', async () => {
      const logger = createLogger('silent');
      const ctx: JobContext = {
        db: t.db,
        knex: t.db.knex,
        config: parseConfig({ DATABASE_URL: t.url, DATA_DIR: dataDir }),
        logger,
        browser: new BrowserManager(undefined, logger),
      };
      const definition = inboxJob();
      let now = new Date('2026-11-28T10:05:00Z');
      const runner = new JobRunner(ctx, [definition], { clock: () => now });
      const inbox = path.join(dataDir, 'inbox');
      mkdirSync(inbox, { recursive: true });
      const drop = (name: string) => {
        copyFileSync(EXAMPLE, path.join(inbox, name));
        const old = new Date(Date.now() - 120_000);
        utimesSync(path.join(inbox, name), old, old); // finished arriving two minutes ago
      };

      // The worked example has 3 rejected rows of 15: refused at the default ratio of 0.001.
      drop('smi-20181001.csv');
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      let run = await t.db.knex('job_runs').where({ run_key: 'inbox:2026-11-28T10:05' }).first();
      assert.equal(JSON.parse(run.details).summary, '0 imported, 0 already imported, 1 refused.');
      assert.ok(existsSync(path.join(inbox, 'failed', 'smi-20181001.csv.error.txt')));

      await changeSetting(t.db.knex, 'max-reject-ratio', '0.25', { kind: 'cli', name: 'test' });
      drop('smi-20181002.csv');
      now = new Date('2026-11-28T10:10:00Z');
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      run = await t.db.knex('job_runs').where({ run_key: 'inbox:2026-11-28T10:10' }).first();
      assert.equal(JSON.parse(run.details).summary, '1 imported, 0 already imported, 0 refused.');
      const snapshots = await t.db.knex('snapshots');
      assert.deepEqual(
        snapshots.map((s) => [s.as_of, s.source, Number(s.rows)]),
        [['2018-10-02', 'inbox', 15]],
      );
      assert.deepEqual(
        readdirSync(inbox).filter((f) => !f.startsWith('.')),
        ['failed'],
      );
    });
  });
}
