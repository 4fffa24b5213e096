// The sign of life of an import under way: its rows and bytes so far, written to its attempt row
// (snapshot_imports) while the file is read, so a watcher sees progress and stale-import recovery
// (stale-imports.ts) can tell a running import from a dead one.
import { recordImportProgress } from '../../../db/queries/snapshots.ts';
import { outageOf } from '../../outage.ts';
import { placesOf, type IngestDeps, type IngestProgress } from './ingest-types.ts';

const HEARTBEAT_MS = 500;

/**
 * Writes rows and bytes so far to the attempt every HEARTBEAT_MS: its progress and its sign of
 * life. The first write comes with the first bytes, so a watcher sees the import under way at once.
 * A write that fails because the database is unreachable (or full) is kept as `failure`, which
 * stops the import at its next chunk.
 */
export function startHeartbeat(
  deps: IngestDeps,
  importId: number,
  progress: IngestProgress,
): { first(): void; stop(): Promise<void>; readonly failure: Error | null } {
  const { knex, logger } = deps;
  let inFlight: Promise<void> | null = null;
  let beaten = false;
  let failure: Error | null = null;
  const beat = (): void => {
    beaten = true;
    if (inFlight) return;
    inFlight = recordImportProgress(knex, importId, progress)
      .catch((err: unknown) => {
        logger?.warn({ err, importId }, 'could not record import progress');
        const outage = outageOf(err, placesOf(deps));
        if (outage) failure ??= outage;
      })
      .finally(() => (inFlight = null));
  };
  const timer = setInterval(beat, HEARTBEAT_MS);
  return {
    first() {
      if (!beaten) beat();
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
    get failure() {
      return failure;
    },
  };
}
