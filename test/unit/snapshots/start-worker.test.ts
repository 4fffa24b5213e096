// Worker threads on TypeScript modules: from the sources (as here, under tsx) the worker registers
// tsx itself, since it does not inherit the loader; the build's own case (the compiled module
// beside start-worker.js) is run by the `backfill` bin's gzip import (snapshots-cli.test.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { startWorker } from '../../../server/snapshots/reading/start-worker.ts';

describe('startWorker', () => {
  it('runs a TypeScript module and what it imports', async () => {
    const worker = startWorker(new URL('./fixtures/echo-worker.ts', import.meta.url), { workerData: { hi: 0x90b3d51f, lo: 0x3001000a } });
    const [message] = (await once(worker, 'message')) as [string];
    await worker.terminate();
    assert.equal(message, '90-B3-D5-1F-30-01-00-0A');
  });

  it('takes only a TypeScript module, the name of the source whose build it starts', () => {
    assert.throws(() => startWorker(new URL('./fixtures/echo-worker.js', import.meta.url)), /startWorker takes a TypeScript module/);
  });
});
