// `npm run bench:upload`: what the DCC's uploader waits for — `POST /api/v1/snapshots` to the
// built server (dist/, a fresh SQLite database each time), a file streamed from disk by a real
// HTTP client (curl), timed until the answer — beside DuckDB's same-figures query on the same file
// (duckdb-group-by.ts), the two taking turns so that a machine whose speed drifts slows both
// alike. Prints each turn's ratio, the median ratio, and the server's peak RSS (VmHWM) per upload.
// The files are those of `npm run bench:ingest` (bench/out/ingest/inventory-ROWS.csv and .gz).
// `--compare DIR`: the same upload, in the same turn, to another checkout's build (DIR/dist, with
// DIR/node_modules), e.g. the code before a change: its figures print beside these. The two go
// first in turn (see the turn loop): use an even number of turns.
// Usage: npm run bench:upload [-- --rows 10000000] [--runs 3] [--only plain|gzip] [--compare DIR]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer } from 'node:net';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = path.join(ROOT, 'bench/out/ingest');

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    compare: { type: 'string' },
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
  /** CPU seconds the server spent from the first byte sent to the answer (all its threads). */
  cpuSeconds: number;
}

/** The built CLI of the checkout at `root`, with the server's environment. */
function backfill(root: string, env: NodeJS.ProcessEnv, args: string[]): string {
  const child = spawnSync(process.execPath, [path.join(root, 'bin/backfill.js'), ...args], { cwd: root, env, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`backfill ${args.join(' ')} failed:\n${child.stderr}`);
  return child.stdout;
}

/** CPU seconds (user and system, all threads) a process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident memory of a process so far (Linux). */
function peakRss(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : NaN;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The built server of the checkout at `root` (no scheduler), once it answers. */
async function startServer(root: string, env: NodeJS.ProcessEnv): Promise<{ base: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'dist/server/main.js'), '--no-scheduler'], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).status === 200) return { base, process: child };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the server did not start');
}

/** One upload into a fresh server (of the checkout at `root`) over a fresh database; the server stops afterwards. */
async function upload(file: string, root: string): Promise<Upload> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-upload-'));
  const databaseUrl = `sqlite:${path.join(dataDir, 'backfill.sqlite')}`;
  const env = { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, SESSION_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn' };
  try {
    backfill(root, env, ['migrate']);
    const token = backfill(root, env, ['token', 'create', '--role', 'dcc', '--name', 'bench']).trim().split('\n').pop()!;
    const server = await startServer(root, env);
    try {
      const url = `${server.base}/api/v1/snapshots?asOf=2024-01-31&fileName=${encodeURIComponent(path.basename(file))}`;
      const cpuBefore = cpuSeconds(server.process.pid!);
      const started = performance.now();
      const answer = await run('curl', [
        '--silent',
        '--show-error',
        // Streamed from the file as it is read (--data-binary @FILE would read it all into memory first).
        '--upload-file',
        file,
        '-X',
        'POST',
        '-H',
        'Expect:',
        '-H',
        'Content-Type: application/octet-stream',
        '-H',
        `Authorization: Bearer ${token}`,
        '-w',
        '\n%{http_code}',
        url,
      ]);
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuSeconds(server.process.pid!) - cpuBefore;
      const lines = answer.trimEnd().split('\n');
      const status = Number(lines.pop());
      const body = JSON.parse(lines.join('\n')) as { rows: number; rejected: number };
      return { seconds, status, rows: body.rows, rejected: body.rejected, peakRss: peakRss(server.process.pid!), cpuSeconds: cpu };
    } finally {
      server.process.kill();
      await new Promise((resolve) => server.process.once('exit', resolve));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A command's standard output, once it has exited. */
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
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/ingest/duckdb-group-by.ts'), file, '2'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
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
const builds = [
  { name: 'this build', root: ROOT },
  ...(values.compare === undefined ? [] : [{ name: path.resolve(values.compare), root: path.resolve(values.compare) }]),
];
for (const file of files) {
  const ratios = builds.map(() => [] as number[]);
  const rss = builds.map(() => 0);
  for (let turn = 0; turn < runs; turn++) {
    const duck = duckdb(file);
    const line = [`  ${path.basename(file)} (${mb(statSync(file).size)} MB): DuckDB ${s(duck)} s`];
    const said: string[] = [];
    // The builds take turns going first: an upload straight after another runs on the memory the
    // other just let go of, which a virtual machine has not yet handed back to its host, and on
    // these machines that made the second up to 0.5 s (and 1 s of CPU) faster whichever it was.
    const order = turn % 2 === 0 ? [...builds.keys()] : [...builds.keys()].reverse();
    for (const i of order) {
      const build = builds[i]!;
      const up = await upload(file, build.root);
      if (up.status !== 201) throw new Error(`the upload of ${file} to ${build.name} answered ${up.status}`);
      ratios[i]!.push(up.seconds / duck);
      rss[i] = Math.max(rss[i]!, up.peakRss);
      said[i] =
        `${build.name}${order.length > 1 && order[0] === i ? ' (first)' : ''}: upload ${s(up.seconds)} s ` +
        `(server CPU ${s(up.cpuSeconds)} s; ${up.rows} rows, ${up.rejected} rejected), server peak RSS ${mb(up.peakRss)} MB, ratio ${s(up.seconds / duck)}×`;
    }
    console.log([...line, ...said].join(' | '));
  }
  for (const [i, build] of builds.entries()) {
    console.log(
      `${path.basename(file)}, ${build.name}: median ratio ${s(median(ratios[i]!))}× (best ${s(Math.min(...ratios[i]!))}×), peak RSS ${mb(rss[i]!)} MB`,
    );
  }
}
