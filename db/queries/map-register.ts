// The MAP register (SPEC §3.3): known MAP IDs and the name of each Meter Asset Provider.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface MapEntry {
  mapId: string;
  name: string;
}

export async function listMapRegister(knex: Knex): Promise<MapEntry[]> {
  const rows = await knex<{ map_id: string; name: string }>('map_register').select('map_id', 'name').orderBy('map_id');
  return rows.map((row) => ({ mapId: row.map_id, name: row.name }));
}

export async function insertMapEntry(knex: Knex, entry: MapEntry): Promise<void> {
  await knex('map_register').insert({ map_id: entry.mapId, name: entry.name, updated_at: toDbInstant() });
}

export async function updateMapEntry(knex: Knex, entry: MapEntry): Promise<void> {
  await knex('map_register').where({ map_id: entry.mapId }).update({ name: entry.name, updated_at: toDbInstant() });
}

export async function deleteMapEntry(knex: Knex, mapId: string): Promise<void> {
  await knex('map_register').where({ map_id: mapId }).delete();
}
