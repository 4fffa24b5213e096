// `npm run bench:ingest`: the whole snapshot import (hash, validate, dedupe, count, commit into a
// fresh SQLite database) on realistic generated files of 1 M and 10 M rows, plain and gzip, beside
// the floor (simply reading the file), DuckDB's read_csv + GROUP BY and a JS scanner that only
// counts (count-only.ts) on the same file, against issue 3's goals. Each import and each DuckDB run
// is a process of its own (so peak RSS is its own); times are the best of --runs, since other work
// on the machine only ever adds time.
// Usage: npm run bench:ingest [-- --rows 1000000,10000000] [--runs 3] [--regen]
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';
import { generateInventory } from '../scan/generate-inventory.ts';

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

interface ImportRun {
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
      // Inflating alone, as the import does it (zlib on the thread pool, 1 MiB pieces).
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

const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
const s = (seconds: number): string => seconds.toFixed(2);
const millions = (n: number): string => (n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1);

interface Measured {
  rows: number;
  gzip: boolean;
  bytes: number;
  best: ImportRun;
  peakRss: number;
  floor: number;
  inflateFloor: number | null;
  duck: { simple: number; sameFigures: number };
  /** count-only.ts on the plain file (null for gzip). */
  countOnly: number | null;
}

const results: Measured[] = [];
console.log(`node ${process.version}, ${runs} run(s) each, best time shown; files in ${path.relative(ROOT, OUT)}/`);
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
    // Ours and DuckDB's take turns, so that a machine whose speed drifts during the run (as these
    // shared ones do, by half within an hour) slows both alike and the ratios stay fair.
    const imports: ImportRun[] = [];
    const duck: Measured['duck'] = { simple: Infinity, sameFigures: Infinity };
    for (let run = 0; run < runs; run++) {
      imports.push(JSON.parse(node(['bench/ingest/run-import.mjs', file])) as ImportRun);
      // Two runs of each query in DuckDB's process, the best kept: its second is the warm one.
      const turn = JSON.parse(node(['bench/ingest/duckdb-group-by.ts', file, '2'])) as Measured['duck'];
      duck.simple = Math.min(duck.simple, turn.simple);
      duck.sameFigures = Math.min(duck.sameFigures, turn.sameFigures);
    }
    for (const r of imports) if (r.status !== 'imported') throw new Error(`the import of ${file} was ${r.status}`);
    const best = imports.reduce((a, b) => (b.importSeconds < a.importSeconds ? b : a));
    const peakRss = Math.max(...imports.map((r) => r.importRss));
    const floor = await readFloor(file, false);
    const inflateFloor = gzip ? await readFloor(file, true) : null;
    const countOnly = gzip ? null : (JSON.parse(node(['bench/ingest/count-only.ts', file, String(runs)])) as { seconds: number }).seconds;
    const m: Measured = { rows, gzip, bytes, best, peakRss, floor, inflateFloor, duck, countOnly };
    results.push(m);
    const t = best.importSeconds;
    console.log(
      `${millions(rows)} M rows ${gzip ? 'gzip ' : 'plain'} (${mb(bytes)} MB): import ${s(t)} s ` +
        `(${millions(rows / t)} M rows/s, ${mb(bytes / t)} MB/s, ${((t / rows) * 1e9).toFixed(0)} ns/row), peak RSS ${mb(peakRss)} MB | ` +
        `floor: read ${s(floor)} s (import ${(t / floor).toFixed(1)}×)` +
        (inflateFloor !== null ? `, read+gunzip ${s(inflateFloor)} s (${(t / inflateFloor).toFixed(2)}×)` : '') +
        ` | DuckDB ${s(duck.simple)} s count by User and type (ours ${(t / duck.simple).toFixed(2)}×), ` +
        `${s(duck.sameFigures)} s same figures (ours ${(t / duck.sameFigures).toFixed(2)}×) | ` +
        `${best.rejected} rejected, ${best.users} Users | compress after commit ${s(best.compressSeconds)} s` +
        (countOnly !== null ? ` | a JS scanner that only counts, one thread: ${s(countOnly)} s` : ''),
    );
  }
}

// Issue 3's goals, on the largest file measured.
const largest = Math.max(...rowCounts);
const smallest = Math.min(...rowCounts);
const at = (rows: number, gzip: boolean): Measured | undefined => results.find((r) => r.rows === rows && r.gzip === gzip);
const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT MET');
console.log(`\ngoals (${millions(largest)} M rows):`);
for (const gzip of [false, true]) {
  const m = at(largest, gzip);
  if (!m) continue;
  const t = m.best.importSeconds;
  console.log(
    `  ${gzip ? 'gzip ' : 'plain'} import ≤ 1.0× DuckDB: ${(t / m.duck.sameFigures).toFixed(2)}× its same-figures query ${verdict(t <= m.duck.sameFigures)}, ` +
      `${(t / m.duck.simple).toFixed(2)}× its plain count ${verdict(t <= m.duck.simple)}`,
  );
}
const plainest = at(largest, false);
if (plainest?.countOnly != null) {
  // How far JavaScript alone is from DuckDB's plain count, before any hashing or validating.
  const { countOnly, duck } = plainest;
  console.log(
    `  (DuckDB's plain count took ${(duck.simple / countOnly).toFixed(2)}× the time of a JS scanner that only counts on one thread, ` +
      `${((2 * duck.simple) / countOnly).toFixed(2)}× what that scanner would take on two threads, with nothing hashed or validated)`,
  );
}
const rss = Math.max(...results.filter((r) => r.rows === largest).map((r) => r.peakRss));
console.log(`  peak RSS ≤ 400 MB: ${mb(rss)} MB ${verdict(rss <= 400e6)}`);
if (largest !== smallest) {
  for (const gzip of [false, true]) {
    const big = at(largest, gzip);
    const small = at(smallest, gzip);
    if (!big || !small) continue;
    const ratio = big.best.importSeconds / big.rows / (small.best.importSeconds / small.rows);
    console.log(
      `  ${gzip ? 'gzip ' : 'plain'} time per row at ${millions(largest)} M within 20 % of ${millions(smallest)} M: ${ratio.toFixed(2)}× ${verdict(ratio <= 1.2)}`,
    );
  }
}
