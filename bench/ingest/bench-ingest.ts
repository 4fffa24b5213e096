// `npm run bench:ingest`: what the DCC waits for when it sends a snapshot, on realistic generated
// files of 1 M and 10 M rows, plain and gzip, each beside DuckDB's same-figures query on the same
// file (duckdb-group-by.ts) in the same run, against issue 17's goals:
//
// - the whole `backfill snapshot import FILE` process, spawned from the build until it exits;
// - an API upload, POST /api/v1/snapshots to a real server process, until its answer;
// - and, as a breakdown, the import inside one warm process (run-import.mjs) with the archive
//   compression that follows a plain one, and the floor (reading, or reading and inflating, the file).
//
// The three and DuckDB take turns, run after run, so that a machine whose speed drifts (these
// shared ones do, by half within an hour) slows each alike and the ratios stay fair; times are the
// best of --runs, since other work on the machine only ever adds time. Peak RSS is the worst run's.
// Usage: npm run bench:ingest [-- --rows 1000000,10000000] [--runs 3] [--regen] [--generate-only N]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { generateInventory } from '../scan/generate-inventory.ts';
import { HTTP_CLIENT, timeApiUpload, timeCliImport, type UserWait } from './user-paths.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const OUT = path.join(ROOT, 'bench/out/ingest');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000,10000000' },
    runs: { type: 'string', default: '3' },
    regen: { type: 'boolean', default: false },
    'generate-only': { type: 'string' },
  },
});

// A child run that only writes one file (so the generator's memory stays out of this process).
if (values['generate-only'] !== undefined) {
  const rows = Number(values['generate-only']);
  const file = path.join(OUT, `inventory-${rows}.csv`);
  mkdirSync(OUT, { recursive: true });
  generateInventory({ rows, path: file });
  // What the DCC would send compressed: gzip at its default level.
  await pipeline(createReadStream(file), createGzip({ level: 6 }), createWriteStream(`${file}.gz`));
  process.exit(0);
}

const rowCounts = values.rows.split(',').map(Number);
const runs = Number(values.runs);
if (rowCounts.some((n) => !Number.isSafeInteger(n) || n < 1) || !Number.isSafeInteger(runs) || runs < 1) {
  throw new Error('--rows takes whole numbers separated by commas; --runs a whole number');
}
mkdirSync(OUT, { recursive: true });

interface InProcess {
  status: string;
  rows: number;
  rejected: number;
  users: number;
  importSeconds: number;
  importRss: number;
  compressSeconds: number;
}

/** Runs a script of the bench (TypeScript, through tsx; a plain .mjs, such as the import on the build, without). */
function node(args: string[]): string {
  const loader = args[0]!.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = spawnSync(process.execPath, [...loader, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed:\n${child.stderr}`);
  return child.stdout.trim().split('\n').pop()!;
}

async function readFloor(file: string, inflate: boolean): Promise<number> {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    if (inflate) {
      await new Promise<void>((resolve, reject) => {
        const gunzip = createGunzip({ chunkSize: 1 << 20 });
        gunzip
          .on('data', () => undefined)
          .on('end', resolve)
          .on('error', reject);
        createReadStream(file, { highWaterMark: 1 << 20 })
          .on('error', reject)
          .pipe(gunzip);
      });
    } else {
      const handle = await open(file, 'r');
      const buffer = Buffer.allocUnsafe(1 << 20);
      while ((await handle.read(buffer, 0, buffer.length, null)).bytesRead > 0);
      await handle.close();
    }
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

const mb = (bytes: number | null): string => (bytes === null ? '?' : (bytes / 1e6).toFixed(0));
const s = (seconds: number): string => seconds.toFixed(2);
const x = (ratio: number): string => `${ratio.toFixed(2)}×`;
const millions = (n: number): string => (n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1);
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT MET');

interface Measured {
  rows: number;
  gzip: boolean;
  bytes: number;
  cli: number;
  cliRss: number | null;
  cliCpu: number | null;
  api: number;
  apiRss: number | null;
  apiCpu: number | null;
  duck: number;
  duckCpu: number;
  /** DuckDB's literal reading of the words (count(map_id), no validity): for the record. */
  literal: number;
  inProcess: InProcess;
  inProcessRss: number;
  floor: number;
  inflateFloor: number | null;
}

function best(waits: UserWait[], rows: number, what: string): { seconds: number; peakRss: number | null; cpu: number | null } {
  for (const w of waits) {
    if (w.status !== 'imported' || w.rows !== rows) throw new Error(`${what} was ${w.status} with ${w.rows} rows, not imported with ${rows}`);
  }
  const known = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null);
  const rss = known(waits.map((w) => w.peakRss));
  const cpu = known(waits.map((w) => w.cpuSeconds));
  return {
    seconds: Math.min(...waits.map((w) => w.seconds)),
    peakRss: rss.length > 0 ? Math.max(...rss) : null,
    cpu: cpu.length > 0 ? Math.min(...cpu) : null,
  };
}

const results: Measured[] = [];
console.log(
  `node ${process.version}, ${runs} run(s) each, taking turns, best time shown; files in ${path.relative(ROOT, OUT)}/; ` +
    `API upload sent with ${HTTP_CLIENT}; DuckDB on 2 threads: the same figures as the import (scope, valid MAP IDs, invalid, new missing: the yardstick), ` +
    `and the issue's words taken literally (typed read_csv, count(*) and count(map_id): half the work, other figures)`,
);
for (const rows of rowCounts) {
  const plain = path.join(OUT, `inventory-${rows}.csv`);
  if (values.regen || !existsSync(plain) || !existsSync(`${plain}.gz`)) {
    const started = performance.now();
    spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--generate-only', String(rows)], { cwd: ROOT, stdio: 'inherit' });
    console.log(`generated ${path.basename(plain)} and .gz in ${s((performance.now() - started) / 1000)} s`);
  }
  for (const file of [plain, `${plain}.gz`]) {
    const gzip = file.endsWith('.gz');
    const bytes = statSync(file).size;
    const cli: UserWait[] = [];
    const api: UserWait[] = [];
    const inProcess: InProcess[] = [];
    let duck = Infinity;
    let duckCpu = Infinity;
    let literal = Infinity;
    for (let run = 0; run < runs; run++) {
      cli.push(await timeCliImport(file));
      const turn = JSON.parse(node(['bench/ingest/duckdb-group-by.ts', file, '2'])) as { sameFigures: number; cpuSeconds: number; literal: number };
      duck = Math.min(duck, turn.sameFigures);
      duckCpu = Math.min(duckCpu, turn.cpuSeconds);
      literal = Math.min(literal, turn.literal);
      api.push(await timeApiUpload(file));
      inProcess.push(JSON.parse(node(['bench/ingest/run-import.mjs', file])) as InProcess);
    }
    for (const r of inProcess) if (r.status !== 'imported') throw new Error(`the in-process import of ${file} was ${r.status}`);
    const dataRows = inProcess[0]!.rows;
    const c = best(cli, dataRows, 'the CLI import');
    const a = best(api, dataRows, 'the API upload');
    const warm = inProcess.reduce((p, q) => (q.importSeconds < p.importSeconds ? q : p));
    const m: Measured = {
      rows,
      gzip,
      bytes,
      cli: c.seconds,
      cliRss: c.peakRss,
      cliCpu: c.cpu,
      api: a.seconds,
      apiRss: a.peakRss,
      apiCpu: a.cpu,
      duck,
      duckCpu,
      literal,
      inProcess: warm,
      inProcessRss: Math.max(...inProcess.map((r) => r.importRss)),
      floor: await readFloor(file, false),
      inflateFloor: gzip ? await readFloor(file, true) : null,
    };
    results.push(m);
    const ns = (t: number): string => `${((t / rows) * 1e9).toFixed(0)} ns/row`;
    console.log(
      `${millions(rows)} M rows ${gzip ? 'gzip ' : 'plain'} (${mb(bytes)} MB) | DuckDB same figures ${s(duck)} s (literal reading ${s(literal)} s) | ` +
        `CLI process ${s(m.cli)} s (${x(m.cli / duck)} DuckDB, ${ns(m.cli)}, peak RSS ${mb(m.cliRss)} MB) | ` +
        `API upload until its answer ${s(m.api)} s (${x(m.api / duck)} DuckDB, ${ns(m.api)}, server peak RSS ${mb(m.apiRss)} MB)`,
    );
    const cpu = (v: number | null): string => (v === null ? '?' : `${s(v)} s (${x(v / duckCpu)})`);
    console.log(
      `    CPU time (user + system, a shared machine inflates it least): DuckDB ${s(duckCpu)} s, CLI process ${cpu(m.cliCpu)}, server for the upload ${cpu(m.apiCpu)}`,
    );
    console.log(
      `    breakdown: import in a warm process ${s(warm.importSeconds)} s (${x(warm.importSeconds / duck)} DuckDB, peak RSS ${mb(m.inProcessRss)} MB), ` +
        `so the CLI process adds ${s(m.cli - warm.importSeconds)} s and the upload ${s(m.api - warm.importSeconds)} s | ` +
        `floor: read ${s(m.floor)} s` +
        (m.inflateFloor !== null ? `, read+gunzip ${s(m.inflateFloor)} s` : '') +
        ` | ${warm.rejected} rejected, ${warm.users} Users | archive compression after the answer (nobody's wait) ${s(warm.compressSeconds)} s`,
    );
  }
}

// Issue 17's goals, on the largest file measured.
const largest = Math.max(...rowCounts);
const smallest = Math.min(...rowCounts);
const at = (rows: number, gzip: boolean): Measured | undefined => results.find((r) => r.rows === rows && r.gzip === gzip);
console.log(`\ngoals (${millions(largest)} M rows; ratios to DuckDB's same-figures query in the same run):`);
for (const gzip of [false, true]) {
  const m = at(largest, gzip);
  if (!m) continue;
  const kind = gzip ? 'gzip ' : 'plain';
  console.log(`  ${kind} whole CLI process ≤ 1.0× DuckDB: ${x(m.cli / m.duck)} ${verdict(m.cli <= m.duck)} (then 0.6×: ${verdict(m.cli <= 0.6 * m.duck)})`);
  console.log(
    `  ${kind} API upload until its answer ≤ 1.0× DuckDB: ${x(m.api / m.duck)} ${verdict(m.api <= m.duck)} (then 0.6×: ${verdict(m.api <= 0.6 * m.duck)})`,
  );
  console.log(`  ${kind} (against the literal reading: CLI ${x(m.cli / m.literal)}, API ${x(m.api / m.literal)})`);
}
const big = results.filter((r) => r.rows === largest);
const worst = (values: Array<number | null>): number | null => (values.includes(null) ? null : Math.max(...(values as number[])));
const cliRss = worst(big.map((r) => r.cliRss));
const apiRss = worst(big.map((r) => r.apiRss));
const rssLine = (what: string, rss: number | null): string => `${what} ${mb(rss)} MB ${rss === null ? 'not measured' : verdict(rss <= 400e6)}`;
console.log(`  peak RSS ≤ 400 MB: ${rssLine('CLI process', cliRss)}; ${rssLine('server during the upload', apiRss)}`);
if (largest !== smallest) {
  for (const gzip of [false, true]) {
    const b = at(largest, gzip);
    const small = at(smallest, gzip);
    if (!b || !small) continue;
    for (const [what, big10, small1] of [
      ['CLI process', b.cli, small.cli],
      ['API upload', b.api, small.api],
    ] as const) {
      const ratio = big10 / b.rows / (small1 / small.rows);
      console.log(
        `  ${gzip ? 'gzip ' : 'plain'} ${what} time per row at ${millions(largest)} M within 20 % of ${millions(smallest)} M: ${x(ratio)} ${verdict(ratio <= 1.2)}`,
      );
    }
  }
}
