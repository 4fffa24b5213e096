// npm run bench:web — the dashboard under load: autocannon, 50 connections with a logged-in
// session, against the overview and a User page, beside the same figures for /healthz (the floor:
// what the server does for a request with no work in it). The server runs in a process of its own.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { buildDemo } from '../../server/demo/build-demo.ts';
import { login, startBenchServer } from '../shared/bench-server.ts';

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Figures {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  /** The server process's CPU time per request answered (Linux), in ms: what a request costs, however fast the machine is today. */
  cpuPerRequest: number | null;
}

/** CPU seconds the process has used (user + system), from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function load(url: string, cookie: string, serverPid?: number): Promise<Figures> {
  const before = cpuSeconds(serverPid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers: { cookie } });
  const after = cpuSeconds(serverPid);
  const answered = result.requests.total;
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    errors: result.non2xx + result.errors + result.timeouts,
    cpuPerRequest: before !== null && after !== null && answered > 0 ? ((after - before) * 1000) / answered : null,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-bench-web-'));
  const url = `sqlite:${path.join(dir, 'bench.sqlite')}`;
  let server: ChildProcess | undefined;
  try {
    // The demo programme (40 Users, 40 fortnightly snapshots, imported through the real ingest).
    const db = openDatabase(url);
    await migrateLatest(db);
    const built = await buildDemo({ knex: db.knex, dataDir: dir, chromePath: process.env.CHROME_PATH });
    const panel = built.logins.find((l) => l.role === 'panel')!;
    // The largest User: the longest history on its page.
    const userId = built.programme.users.reduce((a, b) => (b.meters > a.meters ? b : a)).userId;
    await db.close();

    const started = await startBenchServer(url, dir);
    server = started.process;
    const base = started.base;
    const cookie = await login(base, panel.email, panel.password);
    // Warm up (template compilation, first queries).
    await load(`${base}/`, cookie);

    const floor = await load(`${base}/healthz`, cookie, server.pid);
    const rows: Array<[string, Figures]> = [
      ['/healthz (floor)', floor],
      ['/ (overview)', await load(`${base}/`, cookie, server.pid)],
      [`/users/${userId}`, await load(`${base}/users/${userId}`, cookie, server.pid)],
    ];
    console.log(
      `${CONNECTIONS} connections, ${SECONDS} s each, logged in as the Panel, on the demo data (${built.programme.users.length} Users, ${built.programme.snapshotDates.length} snapshots)`,
    );
    for (const [name, f] of rows) {
      const ratio = name.startsWith('/healthz')
        ? ''
        : `  (p99 ${(f.p99 / floor.p99).toFixed(1)}× the floor, ${(f.rps / floor.rps).toFixed(2)}× its requests/s)`;
      const cpu = f.cpuPerRequest === null ? '' : `  ${f.cpuPerRequest.toFixed(2)} ms CPU/request`;
      console.log(
        `  ${name.padEnd(36)} p50 ${String(f.p50).padStart(4)} ms  p99 ${String(f.p99).padStart(4)} ms  ${f.rps.toFixed(0).padStart(6)} req/s${cpu}  ${f.errors} errors${ratio}`,
      );
    }
    const overview = rows[1]![1];
    console.log(`  goal: overview p99 < 50 ms — ${overview.p99 < 50 ? 'met' : 'NOT MET'} (${overview.p99} ms)`);
  } finally {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
