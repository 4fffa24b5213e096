// Edges of the HTTP surface a hostile or careless client finds: API paths in another letter case
// are still the API (bearer token, JSON, no session), a static path that climbs out of its folder
// is a 404, and an unfinished archive compression a crash left behind is removed at the next start.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../server/auth/tokens.ts';
import { isApiPath } from '../../server/http/paths.ts';
import { removeAbandonedCompressions } from '../../server/snapshots/ingest/stale-imports.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const sqlite = databaseKinds.find((kind) => kind.name === 'sqlite')!;

describe('the HTTP surface at its edges', () => {
  let t: TestDatabase;
  let server: TestServer;
  let token: string;

  before(async () => {
    t = await sqlite.create();
    token = (await createApiToken(t.db.knex, { name: 'edges', role: 'dcc' }, { kind: 'system', name: 'test' })).token;
    server = await startTestServer(t.url);
  });
  after(async () => {
    await server?.stop();
    await t?.drop();
  });

  it('treats an API path in any letter case as the API: bearer token in, JSON out, no session cookie', async () => {
    assert.ok(isApiPath('/API/v1/me') && isApiPath('/Api/V1/snapshots') && isApiPath('/api/v1/me'));
    assert.ok(!isApiPath('/apixyz') && !isApiPath('/snapshots'));
    for (const p of ['/api/v1/me', '/API/v1/me', '/Api/V1/Me']) {
      const res = await fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, p);
      assert.equal(((await res.json()) as { role: string }).role, 'dcc', p);
      assert.equal(res.headers.get('set-cookie'), null, `${p} starts no session`);
    }
    const anonymous = await fetch(`${server.url}/API/V1/snapshots`, { redirect: 'manual' });
    assert.equal(anonymous.status, 401, 'no redirect to a login page: the API answers JSON');
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
  });

  it('answers 404 to a static path that climbs out of the assets folder', async () => {
    for (const p of ['/assets/../package.json', '/assets/..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/assets/..%5cpackage.json']) {
      const res = await fetch(`${server.url}${p}`, { redirect: 'manual' });
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(await res.text(), /"name": "backfill-monitor"|root:/);
    }
    assert.equal((await fetch(`${server.url}/assets/app.css`)).status, 200, 'the real files are still served');
  });
});

describe('unfinished archive compressions left by a crash', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-parts-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("are removed at the next start: this machine's dead processes' at once, other machines' once old, the rest kept", async () => {
    const folder = path.join(dataDir, 'archive', 'ab');
    mkdirSync(folder, { recursive: true });
    const here = hostname().replaceAll(/[^\w.-]/g, '_');
    const sha = 'ab'.padEnd(64, '0');
    // pid 2^22 + 1 is above Linux's pid_max: no process has it.
    const dead = `${sha}.csv.gz.${here}_4194305.part`;
    const alive = `${sha}.csv.gz.${here}_${process.pid}.part`;
    const otherRecent = `${sha}.csv.gz.elsewhere_12.part`;
    const otherOld = `${sha}.csv.gz.elsewhere_13.part`;
    const archived = `${sha}.csv.gz`;
    for (const name of [dead, alive, otherRecent, otherOld, archived]) writeFileSync(path.join(folder, name), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(folder, otherOld), twoDaysAgo, twoDaysAgo);

    // What a start does (server/main.ts), then the function itself: nothing more is left to remove.
    const t = await sqlite.create();
    const server = await startTestServer(t.url, {}, {}, { dataDir });
    await server.close();
    await t.drop();
    assert.deepEqual(readdirSync(folder).sort(), [alive, archived, otherRecent].sort());
    assert.deepEqual(await removeAbandonedCompressions(dataDir), []);
  });
});
