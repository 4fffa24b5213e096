// `npm start` as a process: configuration errors stop it with a sentence, it migrates and serves,
// and SIGTERM lets in-flight requests finish before it exits cleanly.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { schedulerWanted } from '../../server/main.ts';
import { ROOT, spawnServer, waitFor } from '../helpers/processes.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

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

describe('choosing where the scheduler runs', () => {
  it('runs it with npm start, and not with --no-scheduler (given either way)', () => {
    assert.equal(schedulerWanted([], {}), true);
    assert.equal(schedulerWanted(['--no-scheduler'], {}), false);
    // `npm start --no-scheduler` reaches the process as npm_config_scheduler=''.
    assert.equal(schedulerWanted([], { npm_config_scheduler: '' }), false);
    assert.equal(schedulerWanted([], { npm_config_scheduler: 'true' }), true);
  });

  it('runs the jobs alone in `npm run worker`, which stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-worker-'));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'jobs/worker.ts')], {
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
