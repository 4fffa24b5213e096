// The pinned baseline is chosen from the snapshots imported, not typed as an id: each with its
// as-of date, rows and whether it is current or was superseded, so the one meant is the one picked.
import type { Knex } from 'knex';
import { findSnapshot, listSnapshots } from '../../db/queries/snapshots.ts';
import { ValidationError } from '../errors.ts';
import { formatDate, formatNumber } from '../templates/view-helpers.ts';

export interface BaselineChoice {
  value: string;
  label: string;
  selected: boolean;
}

/** The default first, then every snapshot, newest as-of date first; `chosen` is the value to select ('' for the default). */
export async function baselineChoices(knex: Knex, chosen: string): Promise<BaselineChoice[]> {
  const snapshots = await listSnapshots(knex);
  // A pin stored before pins were checked may name no snapshot: shown as it is, so saving the
  // page does not quietly replace it, and refused when sent back.
  const missing = chosen !== '' && !snapshots.some((s) => String(s.id) === chosen);
  return [
    ...(missing ? [{ value: chosen, label: `Snapshot ${chosen}, which does not exist (the default is used): choose one`, selected: true }] : []),
    { value: '', label: 'The first snapshot on or after the implementation date (default)', selected: chosen === '' },
    ...snapshots.map((s) => ({
      value: String(s.id),
      label:
        `As of ${formatDate(s.as_of)} · ${formatNumber(s.rows)} rows · ` +
        `${s.superseded_by === null ? 'current' : `superseded by snapshot ${s.superseded_by}`} · snapshot ${s.id} (${s.file_name})`,
      selected: chosen === String(s.id),
    })),
  ];
}

/** Refuses a pinned baseline that names no snapshot: a typing slip would otherwise fall back to the default unnoticed. */
export async function checkBaselineExists(knex: Knex, id: number | null, field: string): Promise<void> {
  if (id === null || (await findSnapshot(knex, id))) return;
  const message = `There is no snapshot ${id}: choose the baseline from the list of snapshots, or leave it on the default.`;
  throw new ValidationError(message, [{ field, message }]);
}
