// Shapes stored snapshots for the pages and the API: one shape each, built from the same rows.
import type { StoredUserCounts } from '../../db/queries/snapshot-counts.ts';
import type { ImportRow, SnapshotRow } from '../../db/queries/snapshots.ts';
import { instantToIso } from '../../db/instant.ts';
import { addFuelCounts, fuelCountsOf, totalOf, zeroFuelCounts } from '../engine/fuel-counts.ts';
import type { FuelCounts } from '../engine/types.ts';

export interface SnapshotSummary {
  id: number;
  asOf: string;
  fileName: string;
  sha256: string;
  bytes: number;
  gzip: boolean;
  rows: number;
  accepted: number;
  rejected: number;
  supersededBy: number | null;
  source: string;
  uploadedBy: string;
  importedAt: string;
}

export function summaryOf(row: SnapshotRow): SnapshotSummary {
  return {
    id: row.id,
    asOf: row.as_of,
    fileName: row.file_name,
    sha256: row.sha256,
    bytes: row.byte_size,
    gzip: row.gzip,
    rows: row.rows,
    accepted: row.accepted,
    rejected: row.rejected,
    supersededBy: row.superseded_by,
    source: row.source,
    uploadedBy: row.uploaded_by,
    importedAt: instantToIso(row.imported_at),
  };
}

export interface UserCountsView {
  userId: string;
  name: string;
  registered: boolean;
  esme: FuelCounts;
  gsme: FuelCounts;
  total: FuelCounts;
}

/** Per User, both fuels and their total, in User ID order; and the sum over Users. */
export function countsByUser(rows: ReadonlyArray<{ userId: string; name: string; registered: boolean; counts: StoredUserCounts }>): {
  users: UserCountsView[];
  total: UserCountsView;
} {
  const users = rows.map(({ userId, name, registered, counts }) => {
    const esme = fuelCountsOf(counts.esme);
    const gsme = fuelCountsOf(counts.gsme);
    return { userId, name, registered, esme, gsme, total: totalOf({ esme, gsme }) };
  });
  const total = users.reduce(
    (sum, u) => ({ ...sum, esme: addFuelCounts(sum.esme, u.esme), gsme: addFuelCounts(sum.gsme, u.gsme), total: addFuelCounts(sum.total, u.total) }),
    { userId: '', name: 'All Users', registered: true, esme: zeroFuelCounts(), gsme: zeroFuelCounts(), total: zeroFuelCounts() },
  );
  return { users, total };
}

export interface ImportView {
  id: number;
  status: string;
  fileName: string;
  asOf: string | null;
  source: string;
  uploadedBy: string;
  startedAt: string;
  finishedAt: string | null;
  rows: number | null;
  bytes: number | null;
  snapshotId: number | null;
  errors: Array<{ line: number | null; reason: string }>;
}

export function importViewOf(row: ImportRow): ImportView {
  return {
    id: row.id,
    status: row.status,
    fileName: row.file_name,
    asOf: row.as_of,
    source: row.source,
    uploadedBy: row.uploaded_by,
    startedAt: instantToIso(row.started_at),
    finishedAt: row.finished_at === null ? null : instantToIso(row.finished_at),
    rows: row.rows,
    bytes: row.bytes_read,
    snapshotId: row.snapshot_id,
    errors: row.errors === null ? [] : (JSON.parse(row.errors) as Array<{ line: number | null; reason: string }>),
  };
}
