// Worker thread of inflater.ts: inflates a gzip snapshot and hands the text back through a fixed
// ring of shared slots, so that inflating runs beside the scanner instead of waiting for the
// scanning thread to come back to its event loop between pieces (on the scanning thread, zlib only
// moves on when that thread is idle). The slots keep the memory in flight fixed: pieces handed
// over one by one would each be a new buffer for the scanning thread's garbage collector.
// Plain JavaScript, started the same way from the sources and from the build: a worker does not
// inherit the tsx loader the tests and `npm run dev` run the sources with (see start-worker.ts).
//
// The text goes to whoever scans it: the main thread, or (given a `text` port) a scanning worker
// of its own (scan-worker.ts), in which case the main thread is only told when inflating is over.
//
// A gzip file whose text grows past MAX_EXPANSION times the compressed bytes read is stopped with
// an error of code ERR_GZIP_EXPANSION: a "gzip bomb" (a few MB of zeros or of one repeated line,
// thousands of times its size as text) would otherwise keep the scanner, and its duplicate log,
// busy with gigabytes. An inventory extract compresses about 5 times, and even one of a single
// User with every value alike but its sequential device ids no more than 26 times, while deflate
// can reach 1,032; 100 leaves room on both sides. Checked only past EXPANSION_FROM bytes of text,
// so that small, very regular files (test fixtures, a header and a few rows) are never refused.
// Multi-member gzip files (RFC 1952 allows members one after another) are read whole: zlib goes
// on to the next member.
//
// In:  { kind: 'compressed', id, bytes: Uint8Array (its own, or a view of a shared slot) }
//      { kind: 'end' }             no more compressed bytes
// Out: { kind: 'consumed', id }    zlib is done with those compressed bytes
// To the scanner, and back:
//      { kind: 'text', slot, length }
//      { kind: 'end' } | { kind: 'error', code, message }   after every piece of text before it;
//                                  also to the main thread when the scanner is a worker
//      { kind: 'scanned', slot }   (back) the text in that slot has been scanned
import { createGunzip } from 'node:zlib';
import { parentPort, workerData } from 'node:worker_threads';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {{ slots: SharedArrayBuffer[], text: import('node:worker_threads').MessagePort | undefined }} */
const { slots, text } = workerData;
const scanning = text ?? port;
const views = slots.map((slot) => Buffer.from(slot));
const free = views.map((_, index) => index).reverse();
/** Text inflated while every slot was full, in order, with what follows it (end or error). */
const waiting = [];

const gunzip = createGunzip({ chunkSize: views[0].length });

const MAX_EXPANSION = 100;
const EXPANSION_FROM = 16 * 1024 * 1024;
let textBytes = 0;
/** Refused for its expansion: nothing more is inflated or handed over. */
let stopped = false;

/** Megabytes, for the refusal. */
const mb = (/** @type {number} */ bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Hands over what is waiting, in order, as far as slots allow. */
function handOver() {
  while (waiting.length > 0) {
    const next = waiting[0];
    if (Buffer.isBuffer(next)) {
      const slot = free.pop();
      if (slot === undefined) break;
      next.copy(views[slot]);
      scanning.postMessage({ kind: 'text', slot, length: next.length });
    } else {
      scanning.postMessage(next);
      if (scanning !== port) port.postMessage(next);
    }
    waiting.shift();
  }
  if (waiting.length === 0 && gunzip.isPaused() && !stopped) gunzip.resume();
}

gunzip.on('data', (/** @type {Buffer} */ text) => {
  if (stopped) return;
  textBytes += text.length;
  // bytesWritten: the compressed bytes zlib has consumed so far.
  if (textBytes > EXPANSION_FROM && textBytes > MAX_EXPANSION * gunzip.bytesWritten) {
    stopped = true;
    gunzip.pause();
    waiting.push({
      kind: 'error',
      code: 'ERR_GZIP_EXPANSION',
      message: `more than ${MAX_EXPANSION} times: ${mb(gunzip.bytesWritten)} of compressed data had become ${mb(textBytes)} of text`,
    });
    handOver();
    return;
  }
  waiting.push(text);
  handOver();
  // Every slot holds text not yet scanned: zlib waits too.
  if (waiting.length > 0) gunzip.pause();
});
gunzip.on('end', () => {
  if (stopped) return;
  waiting.push({ kind: 'end' });
  handOver();
});
gunzip.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
  if (stopped) return;
  waiting.push({ kind: 'error', code: err.code, message: err.message });
  handOver();
});

port.on('message', (message) => {
  if (message.kind === 'compressed') {
    if (stopped) port.postMessage({ kind: 'consumed', id: message.id });
    else gunzip.write(message.bytes, () => port.postMessage({ kind: 'consumed', id: message.id }));
  } else if (message.kind === 'end' && !stopped) {
    gunzip.end();
  }
});
scanning.on('message', (message) => {
  if (message.kind === 'scanned') {
    free.push(message.slot);
    handOver();
  }
});
