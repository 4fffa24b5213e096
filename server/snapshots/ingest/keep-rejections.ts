// What is kept of an import's rejected rows besides the snapshot itself: their groups by reason
// (every import that read its rows), and, for a file refused for too many of them, the rows
// themselves — the DCC fixes the extract from them, and nothing else of the file is stored.
import type { Knex } from 'knex';
import { insertImportRejections, insertRejectionGroups, pruneImportRejections } from '../../../db/queries/snapshot-rejections.ts';
import type { RejectionStore } from '../reading/rejection-store.ts';

/**
 * Rows kept of one refused import. A refused file may be wholly wrong (every one of 40 million rows
 * rejected); its groups still count every row, and the page says when the CSV holds fewer.
 */
export const REFUSED_ROWS_KEPT = 1_000_000;
/** Refused imports whose rows are kept; older ones keep their groups only. */
export const REFUSALS_WITH_ROWS = 20;

/** Stores the groups of an accepted import (inside its transaction). */
export function keepGroups(knex: Knex, importId: number, rejections: RejectionStore): Promise<void> {
  return insertRejectionGroups(knex, importId, rejections.groups());
}

/** Stores the groups and rows of a refused import, in one transaction. */
export async function keepRefusedRejections(knex: Knex, importId: number, rejections: RejectionStore): Promise<void> {
  await knex.transaction(async (trx) => {
    await insertRejectionGroups(trx, importId, rejections.groups());
    let kept = 0;
    for await (const batch of rejections.batches(500)) {
      const room = REFUSED_ROWS_KEPT - kept;
      if (room <= 0) break;
      const rows = batch.length > room ? batch.slice(0, room) : batch;
      await insertImportRejections(trx, importId, rows);
      kept += rows.length;
    }
  });
}

/** After a refusal is recorded: older refusals give up their rows. */
export function pruneRefusedRows(knex: Knex): Promise<void> {
  return pruneImportRejections(knex, REFUSALS_WITH_ROWS);
}
