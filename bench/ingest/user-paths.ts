// What the DCC waits for, for bench-ingest.ts: the whole `backfill snapshot import FILE` process,
// spawned from the build until it exits, and an API upload — a real server process on a free port
// of 127.0.0.1, a DCC API token, curl (or Node's http client when there is no curl) streaming the
// file as the request body to POST /api/v1/snapshots — until its answer. Each measurement has a
// database and DATA_DIR of its own, made and migrated before the clock starts (an operator's are
// there already), beside the file (bench/out/…), so that the CLI's archive copy is a hard link as
// it is for a user.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { startBenchServer } from '../shared/bench-server.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BIN = path.join(ROOT, 'bin/backfill.js');
const TIME = '/usr/bin/time';
const CURL = ['/usr/bin/curl', '/usr/local/bin/curl'].find((p) => existsSync(p));

export interface UserWait {
  seconds: number;
  /** Peak RSS of the process that did the import (the CLI's, or the server's while it took the upload); null when it could not be read. */
  peakRss: number | null;
  /**
   * CPU seconds (user + system, every thread) that process spent on it: what a machine shared with
   * other work cannot inflate much, where wall time it can; null when it could not be read.
   */
  cpuSeconds: number | null;
  status: string;
  rows: number;
}

/** How the upload is sent, for the heading. */
export const HTTP_CLIENT = CURL ? 'curl' : "Node's http.request";

/** A fresh DATA_DIR and SQLite database beside `file`, migrated. */
function freshPlace(file: string, label: string): { dataDir: string; env: NodeJS.ProcessEnv; remove(): void } {
  const dataDir = path.join(path.dirname(file), `run-${label}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `sqlite:${path.join(dataDir, 'backfill.sqlite')}`, LOG_LEVEL: 'warn' };
  const migrated = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`backfill migrate failed:\n${migrated.stderr}`);
  return { dataDir, env, remove: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/** `backfill snapshot import FILE --json`, from spawn to exit; peak RSS from /usr/bin/time when it is there. */
export async function timeCliImport(file: string): Promise<UserWait> {
  const place = freshPlace(file, 'cli');
  try {
    const args = [BIN, 'snapshot', 'import', file, '--json', '--as-of', '2024-01-31'];
    const timed = existsSync(TIME);
    const started = performance.now();
    const child = timed
      ? spawn(TIME, ['-f', 'peak-rss-kb %M cpu %U %S', process.execPath, ...args], { env: place.env })
      : spawn(process.execPath, args, { env: place.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`backfill snapshot import exited ${code}:\n${stderr}`);
    const out = JSON.parse(stdout) as { status: string; rows: number };
    const usage = /peak-rss-kb (\d+) cpu ([\d.]+) ([\d.]+)/.exec(stderr);
    return {
      seconds,
      peakRss: usage ? Number(usage[1]) * 1024 : null,
      cpuSeconds: usage ? Number(usage[2]) + Number(usage[3]) : null,
      status: out.status,
      rows: out.rows,
    };
  } finally {
    place.remove();
  }
}

/** The peak resident memory of a running process so far (Linux). */
function peakRssOf(pid: number): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds a running process has spent so far, every thread (Linux). */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The body of POST /api/v1/snapshots sent with curl, streamed from the file (-T), until the answer. */
function curlUpload(url: string, token: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // -T streams the file (--data-binary @FILE would read it all into memory first); "Expect:" off,
    // so the body follows the headers at once.
    const args = ['-sS', '-X', 'POST', '-T', file, '-H', `Authorization: Bearer ${token}`, '-H', 'Content-Type: application/octet-stream', '-H', 'Expect:'];
    const child = spawn(CURL!, [...args, '-w', '\n%{http_code}', url]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`curl exited ${code}: ${err}`));
      const at = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(at + 1)), body: out.slice(0, at) });
    });
  });
}

/** The same with Node's http client: a read stream piped into the request. */
function nodeUpload(url: string, token: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': statSync(file).size },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('error', reject)
      .pipe(req);
  });
}

/** A server over a fresh database, a DCC token, one upload timed from the first byte sent until the answer. */
export async function timeApiUpload(file: string): Promise<UserWait> {
  const place = freshPlace(file, 'api');
  const made = spawnSync(process.execPath, [BIN, 'token', 'create', '--role', 'dcc', '--name', 'bench'], { env: place.env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`backfill token create failed:\n${made.stderr}`);
  const token = made.stdout.trim().split('\n').pop()!;
  const server = await startBenchServer(place.env.DATABASE_URL!, place.dataDir, 'error');
  try {
    const url = `${server.base}/api/v1/snapshots?asOf=2024-01-31&fileName=${encodeURIComponent(path.basename(file))}`;
    const cpuBefore = cpuSecondsOf(server.process.pid!);
    const started = performance.now();
    const answer = await (CURL ? curlUpload : nodeUpload)(url, token, file);
    const seconds = (performance.now() - started) / 1000;
    const peakRss = peakRssOf(server.process.pid!);
    const cpuAfter = cpuSecondsOf(server.process.pid!);
    const cpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    if (answer.status !== 201) throw new Error(`the upload was answered ${answer.status}: ${answer.body.slice(0, 500)}`);
    const out = JSON.parse(answer.body) as { status: string; rows: number };
    return { seconds, peakRss, cpuSeconds, status: out.status, rows: out.rows };
  } finally {
    // Stopped at once: compressing the archive copy after the answer is nobody's wait, nor this run's.
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    place.remove();
  }
}
