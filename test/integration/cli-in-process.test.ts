// The `backfill` command run in-process (runCli with streams of its own): what it says goes to the
// streams it is given, never to the process's, and it reads the environment and input it is given.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { authenticate } from '../../server/auth/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';

/**
 * Runs work with the process's stdout and stderr watched; returns what was written to them (the
 * test runner's own reports among it, when it runs this file in a child process).
 */
async function leakedDuring(work: () => Promise<void>): Promise<string> {
  let leaked = '';
  const watch = (chunk: unknown): boolean => {
    leaked += String(chunk);
    return true;
  };
  const watched = [mock.method(process.stdout, 'write', watch), mock.method(process.stderr, 'write', watch)];
  try {
    await work();
  } finally {
    for (const method of watched) method.mock.restore();
  }
  return leaked;
}

for (const kind of databaseKinds) {
  describe(`backfill in-process on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      t = await kind.create();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-cli-io-'));
      env = { DATABASE_URL: t.url, DATA_DIR: path.join(dir, 'data') };
    });
    after(async () => {
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes only to the streams it is given: help, a setting, an import, a refusal', async () => {
      const file = path.join(dir, 'smi-20240131.csv');
      writeFileSync(file, [HEADER, row(1), row(2, { map_id: 'UFLM' }), ''].join('\n'));
      const results: Array<Awaited<ReturnType<typeof runCliInProcess>>> = [];
      const leaked = await leakedDuring(async () => {
        results.push(await runCliInProcess(['--help'], { env }));
        results.push(await runCliInProcess(['settings', 'set', 'max-users', '250'], { env }));
        results.push(await runCliInProcess(['snapshot', 'import', file, '--json'], { env }));
        results.push(await runCliInProcess(['settings', 'set', 'rate-window', 'many'], { env }));
        results.push(await runCliInProcess(['nonsense'], { env }));
      });
      for (const said of [/Usage:/, /max-users: 1000/, /"snapshotId"/, /whole number from 1 to 250/, /unknown command/]) assert.doesNotMatch(leaked, said);
      const [help, set, imported, refused, unknown] = results as [
        (typeof results)[number],
        (typeof results)[number],
        (typeof results)[number],
        (typeof results)[number],
        (typeof results)[number],
      ];
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage: backfill \[options\] \[command\]/);
      assert.deepEqual([set.code, set.stdout, set.stderr], [0, 'max-users: 1000 → 250\n', '']);
      assert.equal(imported.code, 0, imported.stderr);
      assert.deepEqual((({ status, asOf, rows, accepted }) => ({ status, asOf, rows, accepted }))(JSON.parse(imported.stdout) as Record<string, unknown>), {
        status: 'imported',
        asOf: '2024-01-31',
        rows: 2,
        accepted: 2,
      });
      assert.equal(Number((await t.db.knex('snapshots').count({ n: '*' }).first())!.n), 1);
      assert.deepEqual([refused.code, refused.stdout, refused.stderr], [1, '', 'The rate window must be a whole number from 1 to 250.\n']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^error: unknown command 'nonsense'/);
    });

    it('reads the environment and standard input it is given', async () => {
      const added = await runCliInProcess(['account', 'add', '--email', 'in.process@example.org', '--role', 'panel', '--password-stdin'], {
        env,
        input: 'typed in by a test 123\n',
      });
      assert.equal(added.code, 0, added.stderr);
      assert.equal((await authenticate(t.db.knex, 'in.process@example.org', 'typed in by a test 123'))?.role, 'panel');
      const badConfig = await runCliInProcess(['settings', 'list'], { env: { DATABASE_URL: 'oracle://nope' } });
      assert.equal(badConfig.code, 2);
      assert.match(badConfig.stderr, /^Configuration error: DATABASE_URL must be sqlite:PATH or mysql:/);
    });
  });
}
