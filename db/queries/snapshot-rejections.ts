// Rejected rows as the Snapshots page and its CSV read them: counted by reason for each import
// (snapshot_rejection_groups), and listed one by one — an accepted snapshot's in
// snapshot_rejections, a refused import's in snapshot_import_rejections. Read a page at a time by
// line, so a CSV of millions of rows streams without holding them.
import type { Knex } from 'knex';

export interface RejectionExampleRow {
  line: number;
  field: string;
  value: string | null;
}

export interface RejectionGroupRow {
  field: string;
  rule: string;
  rows: number;
  examples: RejectionExampleRow[];
}

const BATCH = 500;

export async function insertRejectionGroups(knex: Knex, importId: number, groups: readonly RejectionGroupRow[]): Promise<void> {
  const rows = groups.map((g, position) => ({
    import_id: importId,
    position,
    field: g.field.slice(0, 64),
    rule: g.rule.slice(0, 500),
    rows: g.rows,
    examples: JSON.stringify(g.examples),
  }));
  for (let i = 0; i < rows.length; i += BATCH) await knex('snapshot_rejection_groups').insert(rows.slice(i, i + BATCH));
}

/** The groups of each import asked for that has them, most rows first. */
export async function listRejectionGroups(knex: Knex, importIds: readonly number[]): Promise<Map<number, RejectionGroupRow[]>> {
  const found = new Map<number, RejectionGroupRow[]>();
  if (importIds.length === 0) return found;
  const rows: Array<{ import_id: number | string; field: string; rule: string; rows: number | string; examples: string }> = await knex(
    'snapshot_rejection_groups',
  )
    .whereIn('import_id', [...importIds])
    .orderBy([{ column: 'import_id' }, { column: 'position' }])
    .select('import_id', 'field', 'rule', 'rows', 'examples');
  for (const row of rows) {
    const id = Number(row.import_id);
    const list = found.get(id) ?? [];
    list.push({ field: row.field, rule: row.rule, rows: Number(row.rows), examples: JSON.parse(row.examples) as RejectionExampleRow[] });
    found.set(id, list);
  }
  return found;
}

export async function insertImportRejections(knex: Knex, importId: number, rows: ReadonlyArray<{ line: number; reason: string }>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await knex('snapshot_import_rejections').insert(rows.slice(i, i + BATCH).map((r) => ({ import_id: importId, line: r.line, reason: r.reason })));
  }
}

/** How many rejected rows each refused import asked for keeps (none once pruned). */
export async function countImportRejections(knex: Knex, importIds: readonly number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (importIds.length === 0) return found;
  const rows: Array<{ import_id: number | string; n: number | string }> = await knex('snapshot_import_rejections')
    .whereIn('import_id', [...importIds])
    .groupBy('import_id')
    .select('import_id')
    .count({ n: '*' });
  for (const row of rows) found.set(Number(row.import_id), Number(row.n));
  return found;
}

/** Up to `limit` rejected rows after `afterLine`, by line: of a snapshot, or of a refused import. */
export async function rejectedRowsAfter(
  knex: Knex,
  of: { snapshotId: number } | { importId: number },
  afterLine: number,
  limit: number,
): Promise<Array<{ line: number; reason: string }>> {
  const query =
    'snapshotId' in of
      ? knex('snapshot_rejections').where({ snapshot_id: of.snapshotId })
      : knex('snapshot_import_rejections').where({ import_id: of.importId });
  const rows: Array<{ line: number | string; reason: string }> = await query
    .andWhere('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .select('line', 'reason');
  return rows.map((r) => ({ line: Number(r.line), reason: r.reason }));
}

/** The import that stored each snapshot (an accepted import; a duplicate only points at it). */
export async function importsOfSnapshots(knex: Knex, snapshotIds: readonly number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (snapshotIds.length === 0) return found;
  const rows: Array<{ id: number | string; snapshot_id: number | string }> = await knex('snapshot_imports')
    .whereIn('snapshot_id', [...snapshotIds])
    .andWhere({ status: 'imported' })
    .select('id', 'snapshot_id');
  for (const row of rows) found.set(Number(row.snapshot_id), Number(row.id));
  return found;
}

/**
 * Keeps the rejected rows of the newest `keep` refused imports only: a refusal's rows are for
 * fixing that file, and a DCC sending one broken file again and again should not fill the database.
 * Their groups stay.
 */
export async function pruneImportRejections(knex: Knex, keep: number): Promise<void> {
  const newest: Array<{ id: number | string }> = await knex('snapshot_imports')
    .where({ status: 'failed', refused: true })
    .orderBy('id', 'desc')
    .limit(keep)
    .select('id');
  if (newest.length < keep) return;
  const oldestKept = Number(newest[newest.length - 1]!.id);
  await knex('snapshot_import_rejections').where('import_id', '<', oldestKept).delete();
}
