// The MAP register (SPEC §3.3, optional): the known MAP IDs with each Meter Asset Provider's name.
// When it holds any, a snapshot's MAP ID must be in it to count as valid (SPEC §3.1).
import type { Knex } from 'knex';
import { deleteMapEntry, insertMapEntry, listMapRegister, updateMapEntry, type MapEntry } from '../../db/queries/map-register.ts';
import type { RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { safeCsv } from '../safe-csv.ts';
import { mapIdRule, textRule } from './field-rules.ts';
import { readImportFile, refuse, refuseIfAny, type ImportKind, type ImportSummary } from './import-file.ts';
import { findKeyed, recordImport, removeKeyed, saveKeyed, type KeyedTable } from './keyed-changes.ts';
import { readRecord } from './record-reader.ts';

export { listMapRegister };
export type { MapEntry };

const MAP_RULES = { map_id: mapIdRule, name: textRule('The MAP’s name', 200) };

export const MAP_REGISTER_FILE: ImportKind<typeof MAP_RULES> = {
  layout: { required: ['map_id', 'name'] },
  rules: MAP_RULES,
  key: (value) => value.map_id,
  keyColumns: 'map_id',
};

const MAP_REGISTER: KeyedTable<MapEntry> = {
  action: 'map-register',
  entity: 'map_id',
  key: (entry) => entry.mapId,
  audited: (entry) => ({ name: entry.name }),
  list: listMapRegister,
  insert: insertMapEntry,
  update: updateMapEntry,
  remove: (knex, entry) => deleteMapEntry(knex, entry.mapId),
};

/** `map_id,name`: adds or renames every MAP in the file (others stay), or nothing if any row is wrong. */
export async function importMapRegister(knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const file = readImportFile(content, MAP_REGISTER_FILE, fileName);
  refuseIfAny(file.errors, file.source);
  return knex.transaction(async (trx) => {
    const entries = file.rows.map(({ value }) => ({ mapId: value.map_id, name: value.name }));
    const summary = await saveKeyed(trx, MAP_REGISTER, entries, actor, origin);
    await recordImport(trx, actor, 'map-register.import', fileName, summary, origin);
    return summary;
  });
}

export async function saveMapEntry(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ entry: MapEntry; summary: ImportSummary }> {
  const read = readRecord(form, MAP_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  const entry = { mapId: read.value.map_id, name: read.value.name };
  const summary = await knex.transaction((trx) => saveKeyed(trx, MAP_REGISTER, [entry], actor, origin));
  return { entry, summary };
}

/** Removes a MAP ID from the register; refuses one that is not there. */
export async function removeMapEntry(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<MapEntry> {
  const mapId = readRemoval(form);
  const removed = await removeKeyed(knex, MAP_REGISTER, mapId, actor, origin);
  if (!removed) refuse(notListed(mapId), { kind: 'form' });
  return removed;
}

function readRemoval(form: Readonly<Record<string, unknown>>): string {
  const read = readRecord(form, { map_id: mapIdRule });
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  return read.value.map_id;
}

const notListed = (mapId: string) => [{ field: 'map_id', message: `${mapId} is not in the MAP register` }];

/** The MAP a remove form names, without removing it; refuses one that is not listed. */
export async function mapEntryToRemove(knex: Knex, form: Readonly<Record<string, unknown>>): Promise<MapEntry> {
  const mapId = readRemoval(form);
  const found = await findKeyed(knex, MAP_REGISTER, mapId);
  if (!found) refuse(notListed(mapId), { kind: 'form' });
  return found;
}

export async function mapRegisterCsv(knex: Knex): Promise<string> {
  return safeCsv(
    ['map_id', 'name'],
    (await listMapRegister(knex)).map((entry) => [entry.mapId, entry.name]),
  );
}
