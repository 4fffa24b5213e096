// `npm run bench:upload`: what the DCC's uploader waits for — `POST /api/v1/snapshots` to the
// built server (dist/, a fresh SQLite database each time), a file streamed from disk by a real
// HTTP client (curl), timed until the answer — beside DuckDB's same-figures query on the same file
// (duckdb-group-by.ts), the two taking turns so that a machine whose speed drifts slows both
// alike. Prints each turn's ratio, the median ratio, and the server's peak RSS (VmHWM) per upload.
// The files are those of `npm run bench:ingest` (bench/out/ingest/inventory-ROWS.csv and .gz).
// Usage: npm run bench:upload [-- --rows 10000000] [--runs 3] [--only plain|gzip]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBenchServer } from '../shared/bench-server.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = path.join(ROOT, 'bench/out/ingest');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(runs) || runs < 1) throw new Error('--rows and --runs take whole numbers');

interface Upload {
  seconds: number;
  status: number;
  rows: number;
  rejected: number;
  peakRss: number;
}

/** The built CLI, with the server's environment. */
function backfill(env: NodeJS.ProcessEnv, args: string[]): string {
  const child = spawnSync(process.execPath, [path.join(ROOT, 'bin/backfill.js'), ...args], { cwd: ROOT, env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`backfill ${args.join(' ')} failed:\n${child.stderr}`);
  return child.stdout;
}

/** Peak resident memory of a process so far (Linux). */
function peakRss(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : NaN;
}

/** One upload into a fresh server over a fresh database; the server stops afterwards. */
async function upload(file: string): Promise<Upload> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-upload-'));
  const databaseUrl = `sqlite:${path.join(dataDir, 'backfill.sqlite')}`;
  const env = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn' };
  try {
    backfill(env, ['migrate']);
    const token = backfill(env, ['token', 'create', '--role', 'dcc', '--name', 'bench']).trim().split('\n').pop()!;
    const server = await startBenchServer(databaseUrl, dataDir);
    try {
      const url = `${server.base}/api/v1/snapshots?asOf=2024-01-31&fileName=${encodeURIComponent(path.basename(file))}`;
      const started = performance.now();
      const answer = await run('curl', [
        '--silent',
        '--show-error',
        '--data-binary',
        `@${file}`,
        '-H',
        'Content-Type: application/octet-stream',
        '-H',
        `Authorization: Bearer ${token}`,
        '-w',
        '\n%{http_code}',
        url,
      ]);
      const seconds = (performance.now() - started) / 1000;
      const lines = answer.trimEnd().split('\n');
      const status = Number(lines.pop());
      const body = JSON.parse(lines.join('\n')) as { rows: number; rejected: number };
      return { seconds, status, rows: body.rows, rejected: body.rejected, peakRss: peakRss(server.process.pid!) };
    } finally {
      server.process.kill();
      await new Promise((resolve) => server.process.once('exit', resolve));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A command's standard output, once it has exited (curl reads the file in chunks: it never holds it). */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

function duckdb(file: string): number {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/ingest/duckdb-group-by.ts'), file, '2'], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`DuckDB failed:\n${child.stderr}`);
  return (JSON.parse(child.stdout.trim().split('\n').pop()!) as { sameFigures: number }).sameFigures;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (x: number): string => x.toFixed(2);
const mb = (x: number): string => (x / 1e6).toFixed(0);

const plain = path.join(FILES, `inventory-${rows}.csv`);
if (!existsSync(plain) || !existsSync(`${plain}.gz`)) {
  throw new Error(`no ${path.relative(ROOT, plain)} (and .gz): make them with node --import tsx bench/ingest/bench-ingest.ts --generate-only ${rows}`);
}
const files = [plain, `${plain}.gz`].filter((f) => values.only === undefined || (values.only === 'gzip') === f.endsWith('.gz'));
console.log(`node ${process.version}; POST /api/v1/snapshots until the answer vs DuckDB's same-figures query, taking turns, ${runs} turn(s)`);
for (const file of files) {
  const ratios: number[] = [];
  let rss = 0;
  for (let turn = 0; turn < runs; turn++) {
    const duck = duckdb(file);
    const up = await upload(file);
    if (up.status !== 201) throw new Error(`the upload of ${file} answered ${up.status}`);
    ratios.push(up.seconds / duck);
    rss = Math.max(rss, up.peakRss);
    console.log(
      `  ${path.basename(file)} (${mb(statSync(file).size)} MB): upload ${s(up.seconds)} s (${up.rows} rows, ${up.rejected} rejected), ` +
        `server peak RSS ${mb(up.peakRss)} MB | DuckDB ${s(duck)} s | ratio ${s(up.seconds / duck)}×`,
    );
  }
  console.log(`${path.basename(file)}: median ratio ${s(median(ratios))}× (best ${s(Math.min(...ratios))}×), peak RSS ${mb(rss)} MB`);
}
