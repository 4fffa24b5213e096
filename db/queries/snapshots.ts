// Queries over snapshots, their counts and rejected rows, and the import attempts that make them.
// Plain reads and writes; what goes together in one transaction is the ingest service's to say.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';
import { forUpdate } from '../dialect/lock.ts';

export type ImportStatus = 'running' | 'imported' | 'duplicate' | 'failed';
export type SnapshotSource = 'cli' | 'web' | 'api' | 'inbox';
export type Fuel = 'ESME' | 'GSME';

export interface SnapshotRow {
  id: number;
  as_of: string;
  sha256: string;
  file_name: string;
  byte_size: number;
  gzip: boolean;
  archive_path: string;
  rows: number;
  accepted: number;
  rejected: number;
  superseded_by: number | null;
  source: SnapshotSource;
  uploaded_by: string;
  imported_at: string;
  /** The implementation date the counts were made with (null for snapshots imported before it was kept). */
  rules_implementation_date: string | null;
  /** JSON array of the MAP register the counts were made with; null when the register was empty or not kept. */
  rules_map_register: string | null;
}

export interface ImportRow {
  id: number;
  status: ImportStatus;
  file_name: string;
  as_of: string | null;
  sha256: string | null;
  snapshot_id: number | null;
  source: SnapshotSource;
  uploaded_by: string;
  instance: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  rows: number | null;
  bytes_read: number | null;
  errors: string | null;
  /** A failed attempt that was refused for what the file holds (not a failure of ours). */
  refused: boolean;
  /** Rows rejected, kept for a refusal (an accepted import's are on its snapshot); null before it was kept. */
  rejected: number | null;
}

export interface RejectionRow {
  line: number;
  reason: string;
}

/** Drivers differ: SQLite gives 0/1 for booleans, MySQL may give BIGINTs as strings. */
function snapshotOf(raw: Record<string, unknown>): SnapshotRow {
  return {
    ...(raw as unknown as SnapshotRow),
    id: Number(raw.id),
    byte_size: Number(raw.byte_size),
    gzip: Boolean(raw.gzip),
    rows: Number(raw.rows),
    accepted: Number(raw.accepted),
    rejected: Number(raw.rejected),
    superseded_by: raw.superseded_by == null ? null : Number(raw.superseded_by),
  };
}

function importOf(raw: Record<string, unknown>): ImportRow {
  return {
    ...(raw as unknown as ImportRow),
    id: Number(raw.id),
    snapshot_id: raw.snapshot_id == null ? null : Number(raw.snapshot_id),
    rows: raw.rows == null ? null : Number(raw.rows),
    bytes_read: raw.bytes_read == null ? null : Number(raw.bytes_read),
    refused: Boolean(raw.refused),
    rejected: raw.rejected == null ? null : Number(raw.rejected),
  };
}

// ── import attempts ────────────────────────────────────────────────────────────────────────────

export async function insertImport(
  knex: Knex,
  values: { fileName: string; asOf: string | null; source: SnapshotSource; uploadedBy: string; instance: string },
): Promise<number> {
  const now = toDbInstant();
  const [id] = await knex('snapshot_imports').insert({
    status: 'running',
    file_name: values.fileName,
    as_of: values.asOf,
    source: values.source,
    uploaded_by: values.uploadedBy,
    instance: values.instance,
    started_at: now,
    heartbeat_at: now,
    rows: 0,
    bytes_read: 0,
  });
  return Number(id);
}

/** Says the import is alive, with how far it has got. Only while it is running. */
export async function recordImportProgress(knex: Knex, id: number, progress: { rows: number; bytes: number }): Promise<void> {
  await knex('snapshot_imports').where({ id, status: 'running' }).update({ heartbeat_at: toDbInstant(), rows: progress.rows, bytes_read: progress.bytes });
}

export async function finishImport(
  knex: Knex,
  id: number,
  values: {
    status: Exclude<ImportStatus, 'running'>;
    asOf: string | null;
    sha256: string | null;
    snapshotId: number | null;
    rows: number;
    bytes: number;
    errors: Array<{ line: number | null; reason: string }>;
    /** A failed attempt refused for the file's content, not for a failure of ours. */
    refused?: boolean;
    rejected?: number;
  },
): Promise<void> {
  await knex('snapshot_imports')
    .where({ id })
    .update({
      status: values.status,
      as_of: values.asOf,
      sha256: values.sha256,
      snapshot_id: values.snapshotId,
      rows: values.rows,
      bytes_read: values.bytes,
      finished_at: toDbInstant(),
      heartbeat_at: toDbInstant(),
      errors: values.errors.length > 0 ? JSON.stringify(values.errors) : null,
      refused: values.refused === true,
      rejected: values.rejected ?? null,
    });
}

export async function findImport(knex: Knex, id: number): Promise<ImportRow | undefined> {
  const raw = (await knex('snapshot_imports').where({ id }).first()) as Record<string, unknown> | undefined;
  return raw ? importOf(raw) : undefined;
}

export async function listRunningImports(knex: Knex): Promise<ImportRow[]> {
  const rows = (await knex('snapshot_imports').where({ status: 'running' }).orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map(importOf);
}

/** The newest import of this uploader and file name after the given id: what an upload page polls for. */
export async function findLatestImportOf(knex: Knex, where: { uploadedBy: string; fileName: string; afterId: number }): Promise<ImportRow | undefined> {
  const raw = (await knex('snapshot_imports')
    .where({ uploaded_by: where.uploadedBy, file_name: where.fileName })
    .andWhere('id', '>', where.afterId)
    .orderBy('id', 'desc')
    .first()) as Record<string, unknown> | undefined;
  return raw ? importOf(raw) : undefined;
}

export async function lastImportId(knex: Knex): Promise<number> {
  const row = (await knex('snapshot_imports').max({ id: 'id' }).first()) as { id: number | string | null } | undefined;
  return Number(row?.id ?? 0);
}

/** The newest uploads that stored no snapshot of their own: refused, failed, or a duplicate of one already stored. */
export async function listRecentUnstoredImports(knex: Knex, limit: number): Promise<ImportRow[]> {
  const rows = (await knex('snapshot_imports').whereIn('status', ['failed', 'duplicate']).orderBy('id', 'desc').limit(limit)) as Array<Record<string, unknown>>;
  return rows.map(importOf);
}

/** Marks failed the given running imports; returns those it changed (another instance may have got there first). */
export async function failImports(knex: Knex, ids: number[], reason: string): Promise<number[]> {
  const failed: number[] = [];
  for (const id of ids) {
    const changed = await knex('snapshot_imports')
      .where({ id, status: 'running' })
      .update({ status: 'failed', finished_at: toDbInstant(), errors: JSON.stringify([{ line: null, reason }]) });
    if (changed > 0) failed.push(id);
  }
  return failed;
}

// ── snapshots ─────────────────────────────────────────────────────────────────────────────────

export async function findSnapshot(knex: Knex, id: number): Promise<SnapshotRow | undefined> {
  const raw = (await knex('snapshots').where({ id }).first()) as Record<string, unknown> | undefined;
  return raw ? snapshotOf(raw) : undefined;
}

export async function listSnapshotsByIds(knex: Knex, ids: readonly number[]): Promise<SnapshotRow[]> {
  if (ids.length === 0) return [];
  const rows = (await knex('snapshots').whereIn('id', [...ids])) as Array<Record<string, unknown>>;
  return rows.map(snapshotOf);
}

export async function findSnapshotBySha256(knex: Knex, sha256: string): Promise<SnapshotRow | undefined> {
  const raw = (await knex('snapshots').where({ sha256 }).first()) as Record<string, unknown> | undefined;
  return raw ? snapshotOf(raw) : undefined;
}

/** Newest as-of date first; within a date, newest import first. All of them, or a page (`limit` rows after `offset`). */
export async function listSnapshots(knex: Knex, page?: { offset: number; limit: number }): Promise<SnapshotRow[]> {
  const query = knex('snapshots').orderBy([
    { column: 'as_of', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
  if (page) void query.offset(page.offset).limit(page.limit);
  return ((await query) as Array<Record<string, unknown>>).map(snapshotOf);
}

export async function countSnapshots(knex: Knex): Promise<number> {
  const row = (await knex('snapshots').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Snapshots whose archive copy is still the raw file (compression after import not yet done). */
export async function listUncompressedSnapshots(knex: Knex): Promise<SnapshotRow[]> {
  const rows = (await knex('snapshots').where('archive_path', 'like', '%.csv').orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map(snapshotOf);
}

export async function setArchivePath(knex: Knex, id: number, from: string, to: string): Promise<void> {
  await knex('snapshots').where({ id, archive_path: from }).update({ archive_path: to });
}

export async function insertSnapshot(knex: Knex, values: Omit<SnapshotRow, 'id' | 'superseded_by' | 'imported_at'>): Promise<number> {
  const [id] = await knex('snapshots').insert({ ...values, superseded_by: null, imported_at: toDbInstant() });
  return Number(id);
}

/**
 * Marks superseded by `by` every current snapshot of the as-of date but `by` itself; returns their
 * ids. The rows are locked first on MySQL, so two imports for one date cannot both stay current.
 */
export async function supersedeSnapshots(knex: Knex, asOf: string, by: number): Promise<number[]> {
  const query = knex('snapshots').select('id').where({ as_of: asOf }).whereNull('superseded_by').andWhereNot({ id: by });
  const rows = (await forUpdate(knex, query)) as Array<{ id: number | string }>;
  const ids = rows.map((r) => Number(r.id));
  if (ids.length > 0) await knex('snapshots').whereIn('id', ids).update({ superseded_by: by });
  return ids;
}

const BATCH = 500;

export async function insertRejections(knex: Knex, snapshotId: number, rows: RejectionRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await knex('snapshot_rejections').insert(rows.slice(i, i + BATCH).map((r) => ({ snapshot_id: snapshotId, line: r.line, reason: r.reason })));
  }
}

export async function listRejections(knex: Knex, snapshotId: number, page: { offset: number; limit: number }): Promise<RejectionRow[]> {
  const rows: Array<{ line: number | string; reason: string }> = await knex('snapshot_rejections')
    .where({ snapshot_id: snapshotId })
    .orderBy('line')
    .offset(page.offset)
    .limit(page.limit)
    .select('line', 'reason');
  return rows.map((r) => ({ line: Number(r.line), reason: r.reason }));
}

export async function rejectedLines(knex: Knex, snapshotId: number): Promise<Set<number>> {
  const rows: Array<{ line: number | string }> = await knex('snapshot_rejections').where({ snapshot_id: snapshotId }).select('line');
  return new Set(rows.map((r) => Number(r.line)));
}

// ── Users found in snapshots ──────────────────────────────────────────────────────────────────

/**
 * Adds each User ID not yet in the register as unregistered, named by its ID (SPEC §3.3); a User
 * already there, named or not, is left as it is.
 */
export async function addUnregisteredUsers(knex: Knex, userIds: string[]): Promise<void> {
  const now = toDbInstant();
  for (let i = 0; i < userIds.length; i += BATCH) {
    const rows = userIds.slice(i, i + BATCH).map((id) => ({ user_id: id, name: id, registered: false, created_at: now, updated_at: now }));
    await knex('dcc_users').insert(rows).onConflict('user_id').ignore();
  }
}

export async function readMapRegister(knex: Knex): Promise<string[]> {
  const rows: Array<{ map_id: string }> = await knex('map_register').select('map_id');
  return rows.map((r) => r.map_id);
}

export interface SnapshotDate {
  id: number;
  asOf: string;
}

/**
 * Every snapshot, superseded ones included: the engine keeps the newest of each date, and a pinned
 * baseline may name any of them.
 */
export async function listSnapshotDates(knex: Knex): Promise<SnapshotDate[]> {
  const rows = await knex<{ id: number; as_of: string }>('snapshots').select('id', 'as_of').orderBy('id');
  return rows.map((row) => ({ id: row.id, asOf: row.as_of }));
}

/** The snapshots a later upload for the same as-of date superseded with this one. */
export function listSupersededBy(knex: Knex, snapshotId: number): Promise<Array<{ id: number; file_name: string }>> {
  return knex('snapshots').where({ superseded_by: snapshotId }).select('id', 'file_name');
}

/** Snapshots in force (not superseded) with an as-of date after `after` and up to `upTo`, oldest first. */
export async function listSnapshotsBetween(knex: Knex, after: string, upTo: string): Promise<Array<{ id: number; asOf: string; fileName: string }>> {
  const rows = await knex<{ id: number; as_of: string; file_name: string }>('snapshots')
    .select('id', 'as_of', 'file_name')
    .whereNull('superseded_by')
    .where('as_of', '>', after)
    .where('as_of', '<=', upTo)
    .orderBy([{ column: 'as_of' }, { column: 'id' }]);
  return rows.map((row) => ({ id: row.id, asOf: row.as_of, fileName: row.file_name }));
}

/** The earliest as-of date of any snapshot, or null when there is none. */
export async function firstSnapshotDate(knex: Knex): Promise<string | null> {
  const row = (await knex('snapshots').min({ d: 'as_of' }).first()) as { d: string | null } | undefined;
  return row?.d ?? null;
}

/** The newest as-of date of any snapshot, or null when there is none (a superseded one shares its date with its successor). */
export async function newestSnapshotDate(knex: Knex): Promise<string | null> {
  const row = (await knex('snapshots').max({ d: 'as_of' }).first()) as { d: string | null } | undefined;
  return row?.d ?? null;
}

/** Records the rules a snapshot's counts were (re)made with. */
export async function setSnapshotRules(knex: Knex, id: number, rules: { implementationDate: string; mapRegister: string | null }): Promise<void> {
  await knex('snapshots').where({ id }).update({ rules_implementation_date: rules.implementationDate, rules_map_register: rules.mapRegister });
}
