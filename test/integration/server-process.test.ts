// `npm start` as a process: configuration errors stop it with a sentence, it migrates and serves,
// SIGTERM lets in-flight requests finish before it exits cleanly, and `npm start --no-scheduler`
// (the npm command itself) leaves the jobs out.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { openDatabase } from '../../db/connection.ts';
import { schedulerWanted } from '../../server/main.ts';
import { assertApiAnswer } from '../helpers/api-answers.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { freePort, ROOT, spawnServer, waitFor } from '../helpers/processes.ts';

describe('the server process', () => {
  it('refuses to start on a bad setting, naming it', async () => {
    const child = spawnServer({ PORT: 'eighty' });
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 2);
    assert.match(child.output(), /Configuration error: PORT must be a whole number \(got "eighty"\)\./);
  });

  it('starts on the SQLite default, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-proc-'));
    const port = await freePort();
    const child = spawnServer({ DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: String(port), LOG_LEVEL: 'info' });
    try {
      const health = await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return res.status === 200 ? ((await res.json()) as unknown) : undefined;
      }, 'the server to answer /healthz');
      assert.deepEqual(health, { status: 'ok' });
      const login = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(login.status, 200, 'fetch follows the redirect to the login form');
      assert.match(await login.text(), /<form method="post" action="\/login"/);

      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(child.output(), /"msg":"shutting down"/);
      assert.match(child.output(), /"msg":"stopped"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stopping in the middle of a request', () => {
  it('finishes an upload under way when SIGTERM arrives, then exits cleanly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-inflight-'));
    const port = await freePort();
    const env = { DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: String(port), LOG_LEVEL: 'info' };
    const child = spawnServer(env);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined), 'the server to answer /healthz');
      const created = await runCliInProcess(['token', 'create', '--role', 'dcc', '--name', 'upload'], { env });
      const token = /^(bfm_\S+)$/m.exec(created.stdout)?.[1];
      assert.ok(token, created.stdout);

      // A snapshot sent in two parts; SIGTERM lands between them.
      const first =
        'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n00-00-00-00-00-00-00-01,ESME,Commissioned,90-B3-D5-1F-30-01-00-0A,UFLM,2017-01-01\n';
      const second = '00-00-00-00-00-00-00-02,GSME,Commissioned,90-B3-D5-1F-30-01-00-0A,,2017-01-01\n';
      let sendRest!: () => void;
      const rest = new Promise<void>((resolve) => (sendRest = resolve));
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(first));
          await rest;
          controller.enqueue(new TextEncoder().encode(second));
          controller.close();
        },
      });
      const response = fetch(`http://127.0.0.1:${port}/api/v1/snapshots?asOf=2024-01-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
        duplex: 'half',
      } as RequestInit);
      const db = openDatabase(env.DATABASE_URL);
      try {
        await waitFor(async () => ((await db.knex('snapshot_imports').where({ status: 'running' }).first()) ? true : undefined), 'the import to start');
      } finally {
        await db.close();
      }
      child.kill('SIGTERM');
      await waitFor(() => Promise.resolve(child.output().includes('"msg":"shutting down"') ? true : undefined), 'the server to begin shutting down');
      assert.equal(child.exitCode, null, 'still running while the upload is under way');
      sendRest();
      const res = await response;
      assert.equal(res.status, 201, await res.clone().text());
      const imported = (await res.json()) as { rows: number };
      assertApiAnswer('POST', '/api/v1/snapshots', 201, imported);
      assert.equal(imported.rows, 2);
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(child.output(), /"msg":"stopped"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stopping while an upload outlasts the grace period', () => {
  it('cuts it after SHUTDOWN_GRACE_SECONDS, records the import as failed, removes its temporary files, then exits cleanly', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-cut-'));
    const port = await freePort();
    const env = { DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '1' };
    const child = spawnServer(env);
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined), 'the server to answer /healthz');
      const created = await runCliInProcess(['token', 'create', '--role', 'dcc', '--name', 'upload'], { env });
      const token = /^(bfm_\S+)$/m.exec(created.stdout)?.[1];
      assert.ok(token, created.stdout);

      // A body that never ends: the sender stalls after its first rows.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(
            new TextEncoder().encode(
              'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n00-00-00-00-00-00-00-01,ESME,Commissioned,90-B3-D5-1F-30-01-00-0A,UFLM,2017-01-01\n',
            ),
          );
        },
      });
      const response = fetch(`http://127.0.0.1:${port}/api/v1/snapshots?asOf=2024-01-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body,
        duplex: 'half',
      } as RequestInit).catch((err: unknown) => err);
      const db = openDatabase(env.DATABASE_URL);
      try {
        const running = await waitFor(
          async () => (await db.knex('snapshot_imports').where({ status: 'running' }).first()) as { id: number } | undefined,
          'the import to start',
        );
        const stopping = Date.now();
        child.kill('SIGTERM');
        const [code] = (await once(child, 'exit')) as [number];
        assert.equal(code, 0, child.output());
        assert.ok(Date.now() - stopping < 8000, `stopped ${Date.now() - stopping} ms after SIGTERM (grace 1 s)`);
        await response;

        const attempt = (await db.knex('snapshot_imports').where({ id: running.id }).first()) as { status: string; errors: string };
        assert.equal(attempt.status, 'failed', 'recorded as failed before the process exited, not left running');
        assert.match(attempt.errors, /could not be read to its end/);
        assert.deepEqual(readdirSync(path.join(dir, 'archive', 'tmp')), [], 'its temporary files are removed');
        assert.equal(Number(((await db.knex('snapshots').count({ n: '*' }).first()) as { n: number }).n), 0);
      } finally {
        await db.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('choosing where the scheduler runs', () => {
  it('leaves the jobs out under the very command `npm start --no-scheduler`', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-npm-start-'));
    const port = await freePort();
    const child = spawn('npm', ['start', '--no-scheduler'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npm, the shell and node stop together
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined), 'npm start to answer /healthz', 60_000);
      assert.match(output, /scheduled jobs are off in this process \(--no-scheduler\)/);
      assert.doesNotMatch(output, /"msg":"scheduler started"/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs it with npm start, and not with --no-scheduler (given either way)', () => {
    assert.equal(schedulerWanted([], {}), true);
    assert.equal(schedulerWanted(['--no-scheduler'], {}), false);
    // `npm start --no-scheduler` reaches the process as npm_config_scheduler=''.
    assert.equal(schedulerWanted([], { npm_config_scheduler: '' }), false);
    assert.equal(schedulerWanted([], { npm_config_scheduler: 'true' }), true);
  });

  it('runs the jobs alone in `npm run worker`, which stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-worker-'));
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/jobs/worker.js')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir, DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await waitFor(() => Promise.resolve(output.includes('"msg":"scheduler started"') ? true : undefined), 'the worker to start its scheduler');
      assert.match(output, /inbox \(\*\/5 0,3-23 \* \* \*\)/);
      assert.match(output, /monthly-report \(0 6 \* \* \*\)/);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(output, /"msg":"stopped"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
