// Benchmarks the snapshot scanner on a generated inventory file, beside the floor of simply reading
// the same file. Usage: npx tsx bench/scan/scan-bench.ts [--rows N] [--runs N] [--quote-all] [--regen]
// The file is generated once into /tmp (by a child process, so its memory is not in the peak RSS).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createScanner } from '../../server/snapshots/format/scanner.ts';
import { generateInventory } from './generate-inventory.ts';

const CHUNK = 1 << 20;

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    'quote-all': { type: 'boolean', default: false },
    regen: { type: 'boolean', default: false },
    'generate-only': { type: 'boolean', default: false },
  },
});

const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(runs) || runs < 1) {
  throw new Error('--rows and --runs must be positive integers');
}
const quoteAll = values['quote-all'];
const path = `/tmp/scan-bench-${rows}${quoteAll ? '-quoted' : ''}.csv`;

if (values['generate-only']) {
  const started = performance.now();
  const made = generateInventory({ rows, path, quoteAll });
  const seconds = (performance.now() - started) / 1000;
  console.log(`generated ${path}: ${made.rows} rows, ${mb(made.bytes)} MB, ${made.planted} planted rejects, ${seconds.toFixed(1)} s`);
  process.exit(0);
}
if (values.regen || !existsSync(path)) {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--generate-only', '--rows', String(rows)];
  const child = spawnSync(process.execPath, quoteAll ? [...args, '--quote-all'] : args, { stdio: 'inherit' });
  if (child.status !== 0) throw new Error('generating the file failed');
}
const bytes = statSync(path).size;

function mb(n: number): string {
  return (n / 1e6).toFixed(1);
}

async function readOnly(): Promise<number> {
  let total = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) total += (chunk as Buffer).length;
  return total;
}

async function scan(): Promise<ReturnType<ReturnType<typeof createScanner>['end']>> {
  const scanner = createScanner({ implementationDate: '2018-06-28' });
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    if (!scanner.push(chunk as Buffer)) break;
  }
  return scanner.end();
}

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await work();
  return [(performance.now() - started) / 1000, value];
}

console.log(`file ${path}: ${rows} rows, ${mb(bytes)} MB, read in ${CHUNK / 1024} KiB chunks, node ${process.version}`);
const floors: number[] = [];
const scans: number[] = [];
for (let run = 1; run <= runs; run++) {
  const [floor] = await time(readOnly);
  const [seconds, result] = await time(scan);
  floors.push(floor);
  scans.push(seconds);
  const users = Object.keys(result.counts).length;
  console.log(
    `run ${run}: read ${floor.toFixed(3)} s | scan ${seconds.toFixed(3)} s, ` +
      `${(result.rows / seconds / 1e6).toFixed(2)} M rows/s, ${mb(bytes / seconds)} MB/s, ` +
      `${(seconds / floor).toFixed(1)}× the read | rows ${result.rows}, rejected ${result.rejected}, ` +
      `users ${users}, devices ${result.devices}${result.fatal ? `, FATAL ${result.fatal.message}` : ''}`,
  );
}
const best = Math.min(...scans);
const bestFloor = Math.min(...floors);
console.log(
  `best: scan ${best.toFixed(3)} s (${((best / rows) * 1e9).toFixed(0)} ns/row, ${(rows / best / 1e6).toFixed(2)} M rows/s, ` +
    `${mb(bytes / best)} MB/s), read floor ${bestFloor.toFixed(3)} s (${mb(bytes / bestFloor)} MB/s), ` +
    `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
);
