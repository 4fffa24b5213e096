// Starts a worker thread on a module of the snapshot reader, named by its TypeScript source
// (`new URL('./scan-worker.ts', import.meta.url)`), wherever the code runs from:
//
// - built (dist/, what `npm start`, `npm run worker` and the `backfill` bin run): on the compiled
//   module beside this one, plain JavaScript (measured: 50–70 ms until a worker holding the
//   scanner was ready);
// - from the sources (the tests and `npm run dev`, through tsx): a worker does not inherit the
//   main thread's tsx loader, so it registers tsx before it imports the module. That costs
//   200–350 ms more per worker on an idle machine here (up to half a second on a busy one), and
//   perhaps some speed in the scanner's byte loops, only where the sources run: production never
//   does. Nothing is bundled or written at run time.
import { Worker, type WorkerOptions } from 'node:worker_threads';

const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** A worker running `module` (a TypeScript file URL), with workerData and the like from options. */
export function startWorker(module: URL, options: Omit<WorkerOptions, 'execArgv' | 'eval'> = {}): Worker {
  if (!module.pathname.endsWith('.ts')) throw new Error(`startWorker takes a TypeScript module, not ${module.href}`);
  if (!FROM_SOURCES) return new Worker(new URL(module.href.replace(/\.ts$/, '.js')), { ...options, execArgv: [] });
  // A data: URL cannot import a bare name: tsx's API is named by the file it resolves to here.
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};\nregister();\nawait import(${JSON.stringify(module.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { ...options, execArgv: [] });
}
