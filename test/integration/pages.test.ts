// The app frame as each role sees it: navigation, placeholders, friendly error pages, the first-start hint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { parseConfig } from '../../server/config.ts';
import { startServer } from '../../server/main.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'frame password 123';

const NAV: Record<Role, string[]> = {
  secas: ['Overview', 'Snapshots', 'Reports', 'Deadline', 'Users', 'Settings', 'Audit log', 'Job runs', 'Notifications'],
  panel: ['Overview', 'Reports', 'Deadline'],
  dcc: ['Overview', 'Snapshots', 'Users'],
};

function navOf(html: string): string[] {
  const nav = /<nav class="main-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
  return [...nav.matchAll(/<a href="[^"]+"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]!);
}

for (const kind of databaseKinds) {
  describe(`the app frame on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let clients = new Map<Role, TestClient>();

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      await addRoleAccounts(t.db.knex, PASSWORD);
      clients = await loggedInClients(server.url, PASSWORD);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    for (const role of ROLES) {
      it(`shows ${role} only the sections it may open, with the current one marked`, async () => {
        const page = await clients.get(role)!.get('/');
        assert.equal(page.status, 200);
        assert.deepEqual(navOf(page.text), NAV[role]);
        assert.match(page.text, /<a href="\/" aria-current="page">Overview<\/a>/);
        assert.match(page.text, new RegExp(`${role}@example\\.org`));
      });
    }

    it('lists job runs for SECAS with status, duration and error', async () => {
      const empty = await clients.get('secas')!.get('/jobs');
      assert.match(empty.text, /No job has run yet/);
      await t.db.knex('job_runs').insert([
        {
          job: 'monthly-report',
          run_key: 'report:2026-10',
          attempt: 1,
          status: 'failed',
          instance: 'vm:1',
          started_at: '2026-11-06 06:00:00.000',
          finished_at: '2026-11-06 06:00:04.000',
          duration_ms: 4210,
          error: 'No Chromium <found>',
          retry_at: '2026-11-06 06:01:04.000',
        },
        {
          job: 'monthly-report',
          run_key: 'report:2026-10',
          attempt: 2,
          status: 'succeeded',
          instance: 'vm:2',
          started_at: '2026-11-06 06:01:05.000',
          finished_at: '2026-11-06 06:01:08.000',
          duration_ms: 2950,
        },
        {
          job: 'inbox',
          run_key: 'inbox:2026-11-06T06:05',
          attempt: 1,
          status: 'succeeded',
          instance: 'vm:1',
          started_at: '2026-11-06 06:05:00.000',
          finished_at: '2026-11-06 06:05:00.050',
          duration_ms: 50,
        },
      ]);
      const page = await clients.get('secas')!.get('/jobs');
      const rows = [...page.text.matchAll(/<tr>\s*<td class="nowrap">[\s\S]*?<\/tr>/g)].map((m) =>
        m[0]
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      );
      assert.deepEqual(rows, [
        '6 Nov 2026 06:05 inbox inbox:2026-11-06T06:05 1 succeeded 50 ms vm:1',
        '6 Nov 2026 06:01 monthly-report report:2026-10 2 succeeded 2,950 ms vm:2',
        '6 Nov 2026 06:00 monthly-report report:2026-10 1 failed retry 6 Nov 2026 06:01 4,210 ms No Chromium &lt;found&gt; vm:1',
      ]);
      const filtered = await clients.get('secas')!.get('/jobs?job=inbox');
      assert.equal([...filtered.text.matchAll(/<tr>\s*<td class="nowrap">/g)].length, 1);
    });

    it('answers an unknown page with a friendly 404 page, and an unknown API path with JSON', async () => {
      const page = await clients.get('panel')!.get('/no-such-page');
      assert.equal(page.status, 404);
      assert.match(page.text, /<h1>Page not found<\/h1>/);
      assert.match(page.text, /Go to the overview/);
      const api = await clients.get('panel')!.get('/api/v1/no-such-thing');
      assert.equal(api.status, 404);
      assert.equal(JSON.parse(api.text).error.code, 'not_found');
    });

    it('answers a forbidden page with a friendly 403 page in the layout', async () => {
      const page = await clients.get('dcc')!.get('/settings');
      assert.equal(page.status, 403);
      assert.match(page.text, /<h1>You do not have access to this page<\/h1>/);
      assert.match(page.text, /Ask a SECAS administrator/);
      assert.deepEqual(navOf(page.text), NAV.dcc);
    });

    it('answers /healthz with 200 while the database answers and 503 once it does not', async () => {
      const other = await startTestServer(t.url);
      const client = new TestClient(other.url);
      assert.deepEqual(JSON.parse((await client.get('/healthz')).text), { status: 'ok' });
      await other.db.close();
      const down = await client.get('/healthz');
      assert.equal(down.status, 503);
      assert.equal(JSON.parse(down.text).status, 'unavailable');
      await other.stop();
    });

    it('says in the log how to create the first account when there is none', async () => {
      const empty = await kind.create();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-first-account-'));
      const lines: string[] = [];
      const sink = new Writable({
        write: (chunk: Buffer, _enc, done) => {
          lines.push(chunk.toString());
          done();
        },
      });
      try {
        const config = parseConfig({ DATABASE_URL: empty.url, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
        const running = await startServer({ ...config, sessionSecret: 'y'.repeat(40) }, pino({ level: 'info' }, sink));
        await running.close();
        const hint = lines.map((l) => JSON.parse(l) as { msg: string }).find((l) => l.msg.includes('No accounts'));
        assert.equal(hint?.msg, 'No accounts exist yet. Create the first SECAS account with: npx backfill account add --email you@example.org --role secas');
      } finally {
        await empty.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
