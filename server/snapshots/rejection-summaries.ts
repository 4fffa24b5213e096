// The rejected rows the Snapshots pages show, gathered for the imports and snapshots on a page:
// each one's groups by reason (stored at import) and how many rows its CSV lists. A snapshot
// imported before groups were kept has them counted from its stored rows on first view, once.
import type { Knex } from 'knex';
import {
  countImportRejections,
  importsOfSnapshots,
  insertRejectionGroups,
  listRejectionGroups,
  rejectedRowsAfter,
  type RejectionGroupRow,
} from '../../db/queries/snapshot-rejections.ts';
import type { ImportRow, SnapshotRow } from '../../db/queries/snapshots.ts';
import type { Logger } from '../logger.ts';
import { RejectionTally } from './format/rejection-groups.ts';
import { attemptViewOf, rejectedRowsView, type AttemptView, type RejectedRowsView } from './rejection-views.ts';

const PAGE = 5000;

/** Uploads that stored no snapshot, with the groups of those refused for their rejected rows. */
export async function attemptViews(knex: Knex, imports: readonly ImportRow[]): Promise<AttemptView[]> {
  const ids = imports.map((i) => i.id);
  const [groups, kept] = await Promise.all([listRejectionGroups(knex, ids), countImportRejections(knex, ids)]);
  return imports.map((row) => attemptViewOf(row, groups.get(row.id), kept.get(row.id) ?? 0));
}

/** Per snapshot with rejected rows, its groups and CSV. */
export async function snapshotRejectionViews(knex: Knex, snapshots: readonly SnapshotRow[], logger?: Logger): Promise<Map<number, RejectedRowsView>> {
  const withRejections = snapshots.filter((s) => s.rejected > 0);
  const importOf = await importsOfSnapshots(
    knex,
    withRejections.map((s) => s.id),
  );
  const stored = await listRejectionGroups(knex, [...importOf.values()]);
  const views = new Map<number, RejectedRowsView>();
  for (const snapshot of withRejections) {
    const importId = importOf.get(snapshot.id);
    // A snapshot always comes from an import; one written straight into the database (a test's seed) has no CSV.
    if (importId === undefined) continue;
    const groups = stored.get(importId) ?? (await countAndKeep(knex, snapshot.id, importId, logger));
    views.set(snapshot.id, rejectedRowsView(importId, snapshot.rejected, groups, snapshot.rejected));
  }
  return views;
}

async function countAndKeep(knex: Knex, snapshotId: number, importId: number, logger?: Logger): Promise<RejectionGroupRow[]> {
  const tally = new RejectionTally();
  let after = 0;
  for (;;) {
    const rows = await rejectedRowsAfter(knex, { snapshotId }, after, PAGE);
    for (const row of rows) tally.add(row.line, row.reason);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.line;
  }
  const groups = tally.groups();
  // Two first views at once both count; the second one's insert finds the rows there.
  await insertRejectionGroups(knex, importId, groups).catch((err: unknown) => logger?.debug({ err, importId }, 'rejection groups already kept'));
  return groups;
}
