// What the web benchmarks share: the server started in a process of its own over a database,
// waiting until it answers, and a logged-in session cookie.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

/** The server (no scheduler) over `databaseUrl`, in its own process, once it answers. */
export async function startBenchServer(databaseUrl: string, dataDir: string, logLevel = 'warn'): Promise<{ base: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/main.js'), '--no-scheduler'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: logLevel,
      SESSION_SECRET: 'b'.repeat(40),
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_LIMIT: '1000',
    },
    stdio: 'inherit',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(base);
  return { base, process: child };
}

/** The Cookie header a browser sends after these responses, a later cookie replacing one of its name. */
function cookiesOf(...responses: Response[]): string {
  const held = new Map<string, string>();
  for (const res of responses) {
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      held.set(pair.slice(0, pair.indexOf('=')), pair);
    }
  }
  return [...held.values()].join('; ');
}

/**
 * Logs in through the form; returns the cookies a browser then holds: the session's and the CSRF
 * token's, which the first page after login sets (without it every page would make a new token).
 */
export async function login(base: string, email: string, password: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password, next: '/' }),
  });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  const page = await fetch(`${base}/`, { headers: { cookie: cookiesOf(res) } });
  await page.arrayBuffer();
  return cookiesOf(res, page);
}
