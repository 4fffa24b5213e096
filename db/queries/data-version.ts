// What changed last, as one short string: every change anyone makes is written to the audit log
// (SPEC §2) in the transaction that makes it, and every snapshot adds a row to snapshots. Caches
// of anything read from the database key on this, so every instance sees every change at once.
import type { Knex } from 'knex';
import { readRow } from '../hot-read.ts';

// Both maxima come from their primary-key indexes. It runs for every page request: db/hot-read.ts.
const SQL = 'select (select max(id) from audit_log) as audit, (select max(id) from snapshots) as snapshots';

export async function readDataVersion(knex: Knex): Promise<string> {
  const row = await readRow<{ audit: number | string | null; snapshots: number | string | null }>(knex, SQL);
  return `${String(row?.audit ?? 0)}:${String(row?.snapshots ?? 0)}`;
}

function parts(version: string): { audit: number; snapshots: number } {
  const [audit = 'NaN', snapshots = 'NaN'] = version.split(':');
  return { audit: Number(audit), snapshots: Number(snapshots) };
}

/**
 * The audit actions recorded between two data versions (after the older, up to the newer, in
 * whichever order they are given), or null when the snapshots differ or a version cannot be read:
 * what a cache needs to tell whether a change between them touched what it keeps.
 */
export async function auditActionsBetween(knex: Knex, a: string, b: string): Promise<string[] | null> {
  const [from, to] = [parts(a), parts(b)];
  if (![from.audit, to.audit, from.snapshots, to.snapshots].every(Number.isSafeInteger) || from.snapshots !== to.snapshots) return null;
  // A range of the primary key: only the entries written since.
  const rows = await knex('audit_log').distinct('action').where('id', '>', Math.min(from.audit, to.audit)).andWhere('id', '<=', Math.max(from.audit, to.audit));
  return rows.map((row: { action: string }) => row.action);
}
