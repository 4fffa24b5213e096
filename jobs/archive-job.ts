// The archive job: compresses the archive copies that imports left raw — every plain file imported
// with `backfill snapshot import` (the command returns without waiting for it), and any copy a
// stopped process left. Every minute (never 01:00–02:59) the oldest such snapshot is compressed,
// one at a time across instances: a run is one snapshot (run key archive:<id>), claimed like any
// run, and none starts while another instance's is alive. What was left while nothing ran is
// caught up at the next start of the server or `npm run worker`, oldest first.
//
// A run that fails is retried with the runner's backoff, then SECAS is told (job.failed); that is
// how a copy whose bytes changed after the import (archive.ts, ArchiveAlteredError) reaches them.
import type { Knex } from 'knex';
import { fromDbInstant } from '../db/instant.ts';
import { runningRunsOf, runsOf } from '../db/queries/job-runs.ts';
import { findSnapshot, listUncompressedSnapshots } from '../db/queries/snapshots.ts';
import { queueCompression } from '../server/snapshots/ingest/archive.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './runner.ts';

const NAME = 'archive-compression';
const PREFIX = 'archive:';
/** As the runner's default: a run whose heartbeat is older belongs to a stopped instance. */
const ALIVE_MS = 5 * 60_000;

/**
 * The run keys of the snapshots whose copy is still raw, oldest first, but those the runner has
 * already settled (succeeded, failed and waiting for or out of retries: its retries are its own).
 */
async function pendingKeys(knex: Knex): Promise<string[]> {
  const keys: string[] = [];
  for (const snapshot of await listUncompressedSnapshots(knex)) {
    const key = `${PREFIX}${snapshot.id}`;
    const latest = (await runsOf(knex, NAME, key))[0];
    if (latest === undefined || latest.status === 'running') keys.push(key);
  }
  return keys;
}

export function archiveJob(): JobDefinition<JobContext> {
  return {
    name: NAME,
    schedule: '* 0,3-23 * * *',
    // A disk that was full or briefly gone gets two more tries; bytes that changed stay changed.
    maxAttempts: 3,
    async keyAt(now, ctx) {
      const running = await runningRunsOf(ctx.knex, NAME);
      if (running.some((r) => now.getTime() - fromDbInstant(r.heartbeat_at ?? r.started_at).getTime() < ALIVE_MS)) return null;
      return (await pendingKeys(ctx.knex))[0] ?? null;
    },
    missed: async (_now, ctx) => pendingKeys(ctx.knex),
    async run(ctx, key) {
      const id = Number(key.slice(PREFIX.length));
      const snapshot = await findSnapshot(ctx.knex, id);
      if (!snapshot || !snapshot.archive_path.endsWith('.csv')) return { summary: `Snapshot ${id}'s archive copy is compressed already.`, snapshotId: id };
      const started = performance.now();
      await queueCompression({ knex: ctx.knex, dataDir: ctx.config.dataDir }, snapshot);
      const seconds = (performance.now() - started) / 1000;
      return {
        summary: `Compressed the archive copy of snapshot ${id} (${snapshot.file_name}, as of ${snapshot.as_of}) in ${seconds.toFixed(1)} s.`,
        snapshotId: id,
        seconds,
      };
    },
  };
}
