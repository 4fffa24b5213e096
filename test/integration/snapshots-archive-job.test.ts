// `backfill snapshot import` returns once the import has committed: the plain file's archive copy
// is still the raw one (a hard link to the operator's file) when the command exits, and the archive
// job compresses it afterwards — at the next start of the server, or on its minute — into a gzip
// file whose text is the bytes sent, checked against the SHA-256 of the import. A copy whose bytes
// changed in the meantime (the operator's file written into in place) is left as it is and said so.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { archiveJob } from '../../jobs/archive-job.ts';
import type { JobContext } from '../../jobs/context.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { inQuietHours } from '../../jobs/scheduler.ts';
import { tellSecasOfFailure } from '../../jobs/start.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { readArchivedText } from '../../server/snapshots/ingest/archive.ts';
import { addRoleAccounts, emailOf } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { realBinOnSqlite } from '../helpers/cli-in-process.ts';
import { ROOT, waitFor } from '../helpers/processes.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles } from '../unit/snapshots/ingest-helpers.ts';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/** `rows` data rows: 200,000 make 12.6 MB, two of the compressing worker's 8 MiB pieces. */
function csv(rows: number, first = 1): string {
  const lines = [HEADER];
  for (let n = first; n < first + rows; n++) lines.push(row(n, n % 3 === 0 ? { map_id: 'UFLM' } : {}));
  return `${lines.join('\n')}\n`;
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

for (const kind of databaseKinds) {
  describe(`the archive copy of a CLI import, compressed by the archive job, on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dir: string;
    let env: Record<string, string>;
    const realBin = realBinOnSqlite(kind);
    const logger = createLogger('silent');
    const context = (): JobContext => ({
      db: t.db,
      knex: t.db.knex,
      config: parseConfig({ DATABASE_URL: t.url, DATA_DIR: env.DATA_DIR! }),
      logger,
      browser: new BrowserManager(undefined, logger),
    });
    const snapshotOf = async (id: number) => t.db.knex('snapshots').where({ id }).first();
    const importFile = async (name: string, content: string): Promise<{ file: string; id: number; sha: string }> => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      const res = await realBin(['snapshot', 'import', file, '--json'], { env });
      assert.equal(res.code, 0, res.stderr);
      const out = JSON.parse(res.stdout) as { snapshotId: number; sha256: string; status: string };
      assert.equal(out.status, 'imported');
      return { file, id: out.snapshotId, sha: out.sha256 };
    };

    before(async () => {
      t = await kind.create();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-archive-job-'));
      env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
    });
    after(async () => {
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('exits with the copy still raw; the next start of the server compresses it, equal to the bytes sent', async () => {
      const content = csv(200_000);
      const { file, id, sha } = await importFile('smi-20240131.csv', content);
      assert.equal(sha, sha256(content));
      // When the command has exited: the raw copy alone, the database pointing at it, and (the
      // real process, on SQLite) the copy a second name of the operator's own file.
      const raw = `archive/${sha.slice(0, 2)}/${sha}.csv`;
      assert.equal((await snapshotOf(id)).archive_path, raw);
      assert.deepEqual(
        archiveFiles(env.DATA_DIR!).map((f) => f.file),
        [raw.slice('archive/'.length)],
      );
      if (kind.name === 'sqlite') assert.equal(statSync(path.join(env.DATA_DIR!, raw)).ino, statSync(file).ino);

      // The server's next start catches up what the archive job missed (its clock at noon, outside the quiet hours).
      const clock = () => new Date('2026-12-04T12:00:00Z');
      const server = await startTestServer(t.url, { DATA_DIR: env.DATA_DIR! }, { scheduler: true, clock });
      try {
        await waitFor(async () => ((await snapshotOf(id)).archive_path === `${raw}.gz` ? true : undefined), 'the archive copy to be compressed', 60_000);
      } finally {
        await server.close();
      }
      assert.deepEqual(
        archiveFiles(env.DATA_DIR!).map((f) => f.file),
        [`${raw.slice('archive/'.length)}.gz`],
        'the raw copy is gone once the compressed one is in place',
      );
      const gz = readFileSync(path.join(env.DATA_DIR!, `${raw}.gz`));
      const inflated = gunzipSync(gz);
      assert.equal(inflated.toString(), content);
      assert.equal(sha256(inflated), sha);
      assert.ok(gz.length < content.length / 3, `compressed to ${gz.length} bytes of ${content.length}`);
      assert.equal(await text(await readArchivedText(env.DATA_DIR!, await snapshotOf(id))), content, 'read back whole, every gzip member of it');
      // The operator's file is theirs again: untouched, and no longer linked from the archive.
      assert.equal(readFileSync(file, 'utf8'), content);
      assert.equal(statSync(file).nlink, 1);
      const run = await t.db
        .knex('job_runs')
        .where({ job: 'archive-compression', run_key: `archive:${id}` })
        .first();
      assert.equal(run.status, 'succeeded');
      assert.match(
        JSON.parse(run.details).summary,
        new RegExp(`^Compressed the archive copy of snapshot ${id} \\(smi-20240131\\.csv, as of 2024-01-31\\) in [\\d.]+ s\\.$`),
      );
    });

    it('on its minute compresses one snapshot at a time, oldest first, and then has nothing to do', async () => {
      const first = await importFile('smi-20240229.csv', csv(50, 1000));
      const second = await importFile('smi-20240331.csv', csv(60, 2000));
      const definition = archiveJob();
      const now = new Date('2026-12-04T12:01:00Z');
      const runner = new JobRunner(context(), [definition], { clock: () => now });
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      assert.match((await snapshotOf(first.id)).archive_path, /\.csv\.gz$/);
      assert.match((await snapshotOf(second.id)).archive_path, /\.csv$/, 'the next one waits for the next minute');
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      assert.equal(gunzipSync(readFileSync(path.join(env.DATA_DIR!, (await snapshotOf(second.id)).archive_path))).toString(), csv(60, 2000));
      assert.equal(await runner.trigger(definition), null, 'nothing left raw: no run at all');
    });

    it('leaves a copy whose bytes changed after the import as it is, tells SECAS, and goes on with the others', async () => {
      await addRoleAccounts(t.db.knex);
      const altered = await importFile('smi-20240430.csv', csv(40, 3000));
      // The operator writes into their file in place (same inode): the archive's second name sees it.
      writeFileSync(altered.file, csv(41, 3000));
      const definition = archiveJob();
      let now = new Date('2026-12-04T12:10:00Z');
      const runner = new JobRunner(context(), [definition], { clock: () => now, backoffMs: () => 60_000, onGaveUp: tellSecasOfFailure });
      const outcome = await runner.trigger(definition);
      assert.equal(outcome?.state, 'failed');
      const raw = `archive/${altered.sha.slice(0, 2)}/${altered.sha}.csv`;
      const message = outcome?.state === 'failed' ? (outcome.error ?? '') : '';
      assert.match(
        message,
        new RegExp(`^the raw archive copy ${raw} has SHA-256 ${sha256(csv(41, 3000))}, not ${altered.sha} as imported; it was left as it is\\.`),
      );
      assert.match(message, new RegExp(`changed after snapshot ${altered.id} was imported`));
      assert.equal((await snapshotOf(altered.id)).archive_path, raw, 'the database still points at the raw copy');
      assert.ok(!existsSync(path.join(env.DATA_DIR!, `${raw}.gz`)), 'no compressed copy of bytes that are not the ones imported');
      assert.deepEqual(
        archiveFiles(env.DATA_DIR!).filter((f) => f.file.includes('.part')),
        [],
        'no temporary file left behind',
      );

      // A good one imported since is not held up behind it: the failed one is the retries' business.
      const good = await importFile('smi-20240531.csv', csv(30, 4000));
      assert.equal((await runner.trigger(definition))?.state, 'succeeded');
      assert.match((await snapshotOf(good.id)).archive_path, /\.csv\.gz$/);
      // Retried twice more, a minute apart; after the third failure SECAS is told.
      for (let attempt = 2; attempt <= 3; attempt++) {
        now = new Date(now.getTime() + 61_000);
        const [retry] = await runner.retryDue();
        assert.equal(retry?.state, 'failed');
      }
      now = new Date(now.getTime() + 61_000);
      assert.deepEqual(await runner.retryDue(), [], 'given up after three attempts');
      assert.equal(await runner.trigger(definition), null);
      const told = await t.db.knex('notification_outbox').where({ event: 'job.failed', channel: 'email' });
      assert.deepEqual(
        told.map((m: { recipient: string }) => m.recipient),
        [emailOf('secas')],
      );
      assert.equal(JSON.parse(told[0].payload).key, `archive:${altered.id}`);
      assert.match(JSON.parse(told[0].payload).error, /has SHA-256 [0-9a-f]{64}, not [0-9a-f]{64} as imported; it was left as it is/);
    });
  });
}

// `npm run worker` as a process: its start catches up what the command left (not between 01:00 and
// 02:59 London time, when a start waits for 03:00 — the worker's clock is the real one).
describe(
  'npm run worker compresses what `backfill snapshot import` left raw',
  { skip: inQuietHours(new Date()) ? 'a start in the quiet hours waits for 03:00' : undefined },
  () => {
    it('at its start, into a gzip copy equal to the bytes sent', async () => {
      const kind = databaseKinds[0]!;
      const t = await kind.create();
      const dir = mkdtempSync(path.join(tmpdir(), 'bfm-archive-worker-'));
      const env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
      try {
        const file = path.join(dir, 'smi-20240131.csv');
        const content = csv(30_000);
        writeFileSync(file, content);
        const res = await realBinOnSqlite(kind)(['snapshot', 'import', file, '--json'], { env });
        assert.equal(res.code, 0, res.stderr);
        const { snapshotId, sha256: sha } = JSON.parse(res.stdout) as { snapshotId: number; sha256: string };
        const raw = `archive/${sha.slice(0, 2)}/${sha}.csv`;
        assert.equal((await t.db.knex('snapshots').where({ id: snapshotId }).first()).archive_path, raw, 'left raw by the command');
        const worker = spawn(process.execPath, [path.join(ROOT, 'dist/jobs/worker.js')], {
          cwd: ROOT,
          env: { ...process.env, ...env, LOG_LEVEL: 'silent', SESSION_SECRET: 's'.repeat(40) },
          stdio: 'ignore',
        });
        try {
          await waitFor(
            async () => ((await t.db.knex('snapshots').where({ id: snapshotId }).first()).archive_path === `${raw}.gz` ? true : undefined),
            'the worker to compress the archive copy',
            60_000,
          );
        } finally {
          worker.kill('SIGTERM');
          await new Promise((resolve) => worker.once('exit', resolve));
        }
        const inflated = gunzipSync(readFileSync(path.join(env.DATA_DIR, `${raw}.gz`)));
        assert.equal(inflated.toString(), content);
        assert.equal(sha256(inflated), sha);
        assert.ok(!existsSync(path.join(env.DATA_DIR, raw)), 'the raw copy removed');
      } finally {
        await t.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
