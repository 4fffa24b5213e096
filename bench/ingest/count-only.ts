// What the plainest JavaScript can do, for bench-ingest.ts to set beside DuckDB's plain count: a
// byte-level scanner that only counts rows per (responsible_user_id, device_type) — found by their
// column in the header — validating nothing, hashing nothing, understanding no quotes, on one
// thread. (Issue 3 was planned with such a prototype.) Never used by the product. Prints one JSON
// line: { seconds, groups, rows }, the best of RUNS.
// Usage: node --import tsx bench/ingest/count-only.ts FILE RUNS
import { closeSync, openSync, readSync } from 'node:fs';

const [file, runsText = '3'] = process.argv.slice(2);
if (!file) throw new Error('usage: count-only.ts FILE [RUNS]');
const LF = 10;
const COMMA = 44;
const CHUNK = 1 << 20;

function countGroups(path: string): { groups: number; rows: number } {
  const fd = openSync(path, 'r');
  // Room for a chunk and the start of a line carried over from the one before.
  const buffer = Buffer.allocUnsafe(2 * CHUNK);
  const counts = new Map<number, number>();
  let carried = 0;
  let userColumn = -1;
  let typeColumn = -1;
  let lastColumn = -1;
  let rows = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, carried, CHUNK, null);
      const end = carried + read;
      let at = 0;
      for (;;) {
        let lineEnd = buffer.indexOf(LF, at);
        if (lineEnd < 0 || lineEnd >= end) {
          if (read > 0 || at >= end) break;
          lineEnd = end; // the last line, without a line end
        }
        if (userColumn < 0) {
          const names = buffer.toString('latin1', at, lineEnd).trim().split(',');
          userColumn = names.indexOf('responsible_user_id');
          typeColumn = names.indexOf('device_type');
          lastColumn = Math.max(userColumn, typeColumn);
        } else {
          // A group is the hash of its two fields' bytes; bytes after the last of them are skipped.
          let column = 0;
          let key = 0;
          for (let p = at; p < lineEnd && column <= lastColumn; p++) {
            const c = buffer[p]!;
            if (c === COMMA) column++;
            else if (column === userColumn || column === typeColumn) key = (Math.imul(key, 31) + c) | 0;
          }
          counts.set(key, (counts.get(key) ?? 0) + 1);
          rows++;
        }
        at = lineEnd + 1;
      }
      if (read === 0) break;
      carried = end - at;
      if (carried > CHUNK) throw new Error(`${path}: a line longer than ${CHUNK} bytes`);
      if (carried > CHUNK) throw new Error(`${path}: a line longer than ${CHUNK} bytes`);
      buffer.copy(buffer, 0, at, end);
    }
  } finally {
    closeSync(fd);
  }
  return { groups: counts.size, rows };
}

let best = Infinity;
let found = { groups: 0, rows: 0 };
for (let run = 0; run < Number(runsText); run++) {
  const started = performance.now();
  found = countGroups(file);
  best = Math.min(best, (performance.now() - started) / 1000);
}
process.stdout.write(`${JSON.stringify({ seconds: best, ...found })}\n`);
