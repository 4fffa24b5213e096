// What an import is asked to do and what becomes of it: the types that pass between the steps of
// ingestSnapshot (ingest-snapshot.ts) and its callers.
import type { Knex } from 'knex';
import type { SnapshotSource } from '../../../db/queries/snapshots.ts';
import type { RequestOrigin } from '../../audit/record.ts';
import type { Actor } from '../../auth/roles.ts';
import type { FailurePlaces } from '../../outage.ts';
import type { Logger } from '../../logger.ts';
import type { MetricsSink } from '../../metrics/sink.ts';
import type { ByteSource } from '../reading/read-snapshot.ts';

export type IngestStatus = 'imported' | 'duplicate' | 'failed';

export interface ImportError {
  /** The file line the problem is on; null for a problem with the whole upload. */
  line: number | null;
  reason: string;
}

/** What became of one upload: SPEC §6.3's summary, with the id of the attempt. */
export interface IngestOutcome {
  importId: number;
  snapshotId: number | null;
  asOf: string | null;
  sha256: string | null;
  status: IngestStatus;
  /** The snapshot this one replaced for its as-of date, or null. */
  supersedes: number | null;
  rows: number;
  accepted: number;
  rejected: number;
  /** Rejected rows (imported, duplicate) or why the file was refused (failed). */
  errors: ImportError[];
}

export interface IngestProgress {
  /** Bytes read as sent (compressed, for gzip). */
  bytes: number;
  rows: number;
}

export interface IngestRequest {
  source: SnapshotSource;
  /** The name the file was sent under; a date in it is the as-of date when none is given. */
  fileName: string;
  /** As given with the upload; empty or undefined when not given. */
  asOf?: string | undefined;
  actor: Actor;
  origin?: RequestOrigin | undefined;
  bytes: ByteSource;
  /** Refuse (PayloadTooLargeError) past this many bytes as sent. */
  maxBytes?: number | undefined;
  /** A file of ours (the drop folder's) to move into the archive once accepted, instead of copying its bytes. */
  adoptFile?: string | undefined;
  /** Read to the end even once refused (HTTP: the client gets its answer, not a reset). */
  drainOnRefusal?: boolean | undefined;
  /**
   * Leave a plain file's raw archive copy for the archive job (jobs/archive-job.ts) instead of
   * compressing it in this process once the import has answered: a command that exits at once.
   */
  leaveCompressionToJob?: boolean | undefined;
  onStart?: ((importId: number) => void) | undefined;
  onProgress?: ((progress: IngestProgress) => void) | undefined;
}

export interface IngestDeps {
  knex: Knex;
  dataDir: string;
  logger?: Logger | undefined;
  /** The SQLite file, to name in a refusal when its disk is full. */
  databaseFile?: string | undefined;
  /** Counts the import's outcome, rows and time (GET /metrics). */
  metrics?: MetricsSink | undefined;
}

/** Where a full disk or a lost database would be, to name in the refusal (outage.ts). */
export function placesOf(deps: IngestDeps): FailurePlaces {
  return { dataDir: deps.dataDir, databaseFile: deps.databaseFile };
}
