// npm run bench:pages — every list page at the size the Users limit allows (issue 13): a
// programme of 1,000 Users (BENCH_USERS to change it) with 40 fortnightly snapshots and the
// tables that grow with time, each page asked by each role that may open it, one request at a
// time. Prints each page's bytes, its first (cold) time and p50/p99 of the rest, then the
// biggest and slowest page against the goals: under 1.5 MB and 2 s.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { addRoleAccounts, emailOf, ROLE_PASSWORD } from '../../test/helpers/accounts.ts';
import { listPagePaths } from '../../test/helpers/list-pages.ts';
import { seedAtScale } from '../../test/helpers/seed-at-scale.ts';
import { login, startBenchServer } from '../shared/bench-server.ts';

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const SNAPSHOTS = Number(process.env.BENCH_SNAPSHOTS ?? 40);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 20);
const MAX_BYTES = 1.5 * 1024 * 1024;
const MAX_MS = 2000;

interface PageFigures {
  role: Role;
  path: string;
  bytes: number;
  firstMs: number;
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(url: string, cookie: string): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await res.arrayBuffer();
  return { status: res.status, bytes: body.byteLength, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-bench-pages-'));
  const url = `sqlite:${path.join(dir, 'bench.sqlite')}`;
  let server: ChildProcess | undefined;
  try {
    const db = openDatabase(url);
    await migrateLatest(db);
    const seededAt = performance.now();
    const seeded = await seedAtScale(db.knex, {
      users: USERS,
      snapshots: SNAPSHOTS,
      rejectedRows: 5000,
      auditRows: 5000,
      jobRuns: 5000,
      mapEntries: 1000,
      refusedImports: 200,
      reasonsPerRefusal: 1001,
      reportMonths: 20,
      accounts: 300,
      tokens: 300,
    });
    await addRoleAccounts(db.knex);
    await db.close();
    console.log(`seeded ${USERS} Users, ${SNAPSHOTS} snapshots in ${((performance.now() - seededAt) / 1000).toFixed(1)} s`);

    // Errors only: the pages a role may not open answer 403, which the server logs as a warning.
    const started = await startBenchServer(url, dir, 'error');
    server = started.process;
    const figures: PageFigures[] = [];
    for (const role of ROLES) {
      const cookie = await login(started.base, emailOf(role), ROLE_PASSWORD);
      for (const page of listPagePaths(seeded)) {
        const first = await timed(`${started.base}${page}`, cookie);
        if (first.status === 403) continue;
        if (first.status !== 200) throw new Error(`${page} as ${role} answered ${first.status}`);
        const times: number[] = [];
        for (let i = 0; i < REPEAT; i++) times.push((await timed(`${started.base}${page}`, cookie)).ms);
        times.sort((a, b) => a - b);
        figures.push({ role, path: page, bytes: first.bytes, firstMs: first.ms, p50: percentile(times, 50), p99: percentile(times, 99) });
      }
    }

    console.log(`${USERS} Users, ${SNAPSHOTS} snapshots; each page once cold, then ${REPEAT} times one after another`);
    console.log(`  ${'role'.padEnd(6)} ${'page'.padEnd(44)} ${'bytes'.padStart(10)} ${'first'.padStart(9)} ${'p50'.padStart(9)} ${'p99'.padStart(9)}`);
    for (const f of figures) {
      console.log(
        `  ${f.role.padEnd(6)} ${f.path.slice(0, 44).padEnd(44)} ${f.bytes.toLocaleString('en-GB').padStart(10)} ${f.firstMs.toFixed(0).padStart(6)} ms ${f.p50.toFixed(0).padStart(6)} ms ${f.p99.toFixed(0).padStart(6)} ms`,
      );
    }
    const biggest = figures.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const slowest = figures.reduce((a, b) => (Math.max(b.p99, b.firstMs) > Math.max(a.p99, a.firstMs) ? b : a));
    const worstMs = Math.max(slowest.p99, slowest.firstMs);
    console.log(
      `  biggest page: ${biggest.path} as ${biggest.role}, ${biggest.bytes.toLocaleString('en-GB')} bytes (p50 ${biggest.p50.toFixed(0)} ms, p99 ${biggest.p99.toFixed(0)} ms)`,
    );
    console.log(
      `  slowest page: ${slowest.path} as ${slowest.role}, first ${slowest.firstMs.toFixed(0)} ms, p50 ${slowest.p50.toFixed(0)} ms, p99 ${slowest.p99.toFixed(0)} ms`,
    );
    console.log(
      `  goal: every page under 1.5 MB — ${biggest.bytes < MAX_BYTES ? 'met' : 'NOT MET'}; every page under 2 s, cold or warm — ${worstMs < MAX_MS ? 'met' : 'NOT MET'}`,
    );
  } finally {
    server?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
