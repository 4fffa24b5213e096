// Starts a worker thread on a TypeScript module as one plain JavaScript file, bundled by esbuild
// (which tsx runs on anyway) the first time it is needed. A worker does not inherit the tsx loader
// of the main thread, and registering it in the worker cost about half a second per worker here
// (measured: 470–530 ms until a worker holding the scanner was ready, against 40 ms to bundle once
// and 60 ms to start a worker on the bundle). Plain JavaScript also keeps the worker's V8 isolate
// clean of the ArrayBuffer detach that loading CommonJS through tsx causes, which slows the
// scanner's byte loops by about 12 %.
//
// The bundle is a file (named by its content's hash, under the system's temporary folder) rather
// than a data: URL, so that a stack trace from the worker names a readable place.
import { createHash } from 'node:crypto';
import { lstat, mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { build } from 'esbuild';

const bundles = new Map<string, Promise<URL>>();

/** A worker running `module` (a TypeScript file URL), with workerData and the like from options. */
export async function startBundledWorker(module: URL, options: Omit<WorkerOptions, 'execArgv' | 'eval'> = {}): Promise<Worker> {
  let bundle = bundles.get(module.href);
  if (bundle === undefined) {
    bundle = writeBundle(module);
    bundles.set(module.href, bundle);
    // A failed bundle (a disk full, say) is tried again by the next caller.
    bundle.catch(() => bundles.delete(module.href));
  }
  return new Worker(await bundle, { ...options, execArgv: [] });
}

async function writeBundle(module: URL): Promise<URL> {
  const entry = fileURLToPath(module);
  const built = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const text = built.outputFiles[0]!.text;
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
  // process.getuid, not os.userInfo(): a container may run under a uid with no passwd entry, where
  // userInfo() throws. (Windows has neither uids nor a shared temporary folder.)
  const uid = process.getuid?.();
  const folder = path.join(tmpdir(), `backfill-monitor-workers-${uid ?? 'user'}`);
  const file = path.join(folder, `${path.basename(entry, '.ts')}-${digest}.mjs`);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  // The folder is in a place every user can write to: code is run from it only if it is ours alone.
  const owner = await lstat(folder);
  if (!owner.isDirectory() || (uid !== undefined && (owner.uid !== uid || (owner.mode & 0o022) !== 0))) {
    throw new Error(`${folder} is not a folder of this user's alone: cannot start a worker from it`);
  }
  // Written under a name of its own and renamed: another process bundling the same file at the
  // same time never sees it half written.
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(partial, text, { mode: 0o600 });
  await rename(partial, file);
  return pathToFileURL(file);
}
