// One timed import for bench-ingest.ts, in a process of its own so that its peak RSS is its own:
// a fresh SQLite database, the real ingest (hash, validate, dedupe, count, commit) on the file,
// then the archive compression that follows an import, timed apart. Prints one JSON line.
// Plain JavaScript on the build (dist/, `npm run build`), without tsx: what production runs.
// Usage: node bench/ingest/run-import.mjs FILE
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../dist/db/connection.js';
import { migrateLatest } from '../../dist/db/migrate.js';
import { archiveWorkDone } from '../../dist/server/snapshots/ingest/archive.js';
import { ingestSnapshot } from '../../dist/server/snapshots/ingest/ingest-snapshot.js';

const file = process.argv[2];
if (!file) throw new Error('usage: run-import.mjs FILE');
const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
const db = openDatabase(`sqlite:${path.join(dataDir, 'backfill.sqlite')}`);
try {
  await migrateLatest(db);
  const started = performance.now();
  const outcome = await ingestSnapshot(
    { knex: db.knex, dataDir },
    { source: 'cli', fileName: path.basename(file), asOf: '2024-01-31', actor: { kind: 'cli', name: 'bench' }, bytes: { kind: 'file', path: file } },
  );
  const importSeconds = (performance.now() - started) / 1000;
  const importRss = process.resourceUsage().maxRSS * 1024;
  await archiveWorkDone();
  const compressSeconds = (performance.now() - started) / 1000 - importSeconds;
  process.stdout.write(
    `${JSON.stringify({
      status: outcome.status,
      rows: outcome.rows,
      rejected: outcome.rejected,
      users: (await db.knex('snapshot_counts').countDistinct({ n: 'user_id' }).first())?.n,
      importSeconds,
      importRss,
      compressSeconds,
    })}\n`,
  );
} finally {
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}
