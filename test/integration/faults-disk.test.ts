// The app on a full disk: DATA_DIR (and, on SQLite, the database file) on a small tmpfs the test
// fills to the last byte. An upload answers 507 with a sentence naming the disk — never a generic
// 500, never SQLite's "cannot rollback" — stores nothing and leaves no temporary file; pages still
// read; and once space is freed the same upload and change go through, with no restart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { createApiToken } from '../../server/auth/tokens.ts';
import { importIdOfTemp } from '../../server/snapshots/ingest/archive.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const skip = process.getuid?.() === 0 ? undefined : 'mounting a small tmpfs needs root (as CI runs)';

const SNAPSHOT =
  'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n' +
  Array.from({ length: 2000 }, (_, i) => `${(i + 1).toString(16).toUpperCase().padStart(16, '0')},ESME,Commissioned,90B3D51F30010000,,2017-01-01\n`).join('');

/** Writes a file until the disk refuses another byte; returns its path. */
function fillDisk(folder: string): string {
  const filler = path.join(folder, 'filler');
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  try {
    for (;;) writeSync(fd, block, 0, 1);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return filler;
}

for (const kind of databaseKinds) {
  describe(`on a full disk, on ${kind.name}`, { skip: skip ?? kind.skip }, () => {
    let mount: string;
    let dataDir: string;
    let t: TestDatabase | undefined;
    let server: TestServer;
    let look: Knex;
    let secas: TestClient;
    let token: string;

    before(async () => {
      mount = mkdtempSync(path.join(tmpdir(), 'bfm-full-'));
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount], { encoding: 'utf8' });
      assert.equal(mounted.status, 0, `mount a tmpfs: ${mounted.stderr}`);
      dataDir = path.join(mount, 'data');
      mkdirSync(dataDir);
      let url: string;
      if (kind.name === 'sqlite') {
        url = `sqlite:${path.join(mount, 'backfill.sqlite')}`;
      } else {
        t = await kind.create({ migrate: false });
        url = t.url;
      }
      server = await startTestServer(url, {}, {}, { dataDir });
      await addRoleAccounts(server.db.knex);
      token = (await createApiToken(server.db.knex, { name: 'disk', role: 'dcc' }, { kind: 'system', name: 'test' })).token;
      secas = (await loggedInClients(server.url)).get('secas')!;
      look =
        kind.name === 'sqlite'
          ? knexFactory({ client: 'better-sqlite3', connection: { filename: path.join(mount, 'backfill.sqlite') }, useNullAsDefault: true })
          : server.db.knex;
    });

    after(async () => {
      if (look !== server?.db.knex) await look?.destroy();
      await server?.stop();
      await t?.drop();
      spawnSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    });

    const upload = (): Promise<Response> =>
      fetch(`${server.url}/api/v1/snapshots?asOf=2024-01-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: SNAPSHOT,
      });

    it('refuses an upload with 507 naming the disk, stores nothing, then takes it once there is room', async () => {
      // Writes go to a fresh WAL, not into room an earlier write left in it.
      if (kind.name === 'sqlite') await look.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      const filler = fillDisk(mount);

      const refused = await upload();
      const body = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(refused.status, 507, JSON.stringify(body));
      assert.equal(body.error.code, 'insufficient_storage');
      assert.match(
        body.error.message,
        new RegExp(
          `^The disk holding (the data folder, DATA_DIR \\(${mount}/data\\)|the database \\(${mount}/backfill\\.sqlite\\)) is full, so nothing was stored\\.`,
        ),
      );
      assert.doesNotMatch(body.error.message, /rollback|SQLITE_|ENOSPC/i);

      const page = await secas.get('/');
      assert.equal(page.status, 200, 'pages still read while the disk is full');

      // The command line names the disk too.
      // The file is read from a folder of its own off the full disk (tests run side by side).
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'bfm-disk-cli-'));
      const file = path.join(elsewhere, 'smi-2024-01-31.csv');
      writeFileSync(file, SNAPSHOT);
      const cli = await runCliInProcess(['snapshot', 'import', file], { env: { DATABASE_URL: server.db.url, DATA_DIR: dataDir } });
      rmSync(elsewhere, { recursive: true, force: true });
      assert.equal(cli.code, 1, cli.stdout + cli.stderr);
      assert.match(cli.stdout + cli.stderr, /The disk holding (the data folder, DATA_DIR|the database) \(.*\) is full, so nothing was stored\./);

      rmSync(filler);
      const snapshots = (await look('snapshots').count({ n: '*' }).first()) as { n: number | string };
      assert.equal(Number(snapshots.n), 0, 'nothing of the refused upload was stored');
      const leftovers = (existsSync(path.join(dataDir, 'archive', 'tmp')) ? readdirSync(path.join(dataDir, 'archive', 'tmp')) : []).filter(
        (name) => importIdOfTemp(name) !== null,
      );
      assert.deepEqual(leftovers, [], 'no temporary file is left');

      const accepted = await upload();
      assert.equal(accepted.status, 201, await accepted.clone().text());
      assert.equal(((await accepted.json()) as { rows: number }).rows, 2000);
    });

    it(
      'refuses a change with 507 naming the disk, not "cannot rollback", and makes it once there is room',
      { skip: kind.name === 'mysql' ? "MySQL's disk is not the one filled" : undefined },
      async () => {
        const csrf = await secas.csrfToken('/settings');
        await look.raw('PRAGMA wal_checkpoint(TRUNCATE)');
        const filler = fillDisk(mount);
        const refused = await secas.postForm('/settings', { _csrf: csrf, 'report-day': '7' });
        assert.equal(refused.status, 507, refused.text.slice(0, 500));
        assert.match(refused.text, new RegExp(`The disk holding the database \\(${mount}/backfill\\.sqlite\\) is full, so nothing was stored\\.`));
        assert.doesNotMatch(refused.text, /rollback/i);

        rmSync(filler);
        const saved = await secas.postForm('/settings', { _csrf: csrf, 'report-day': '7' });
        assert.equal(saved.status, 303, saved.text.slice(0, 500));
        const stored = (await look('settings').where({ key: 'report-day' }).first()) as { value: string } | undefined;
        assert.equal(stored?.value, '7');
      },
    );
  });
}
