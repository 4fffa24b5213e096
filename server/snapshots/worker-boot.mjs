// Starts a worker thread on a TypeScript module (workerData.module, a file URL): a worker does not
// inherit the tsx loader that `node --import tsx` or the `backfill` bin gave the main thread.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
