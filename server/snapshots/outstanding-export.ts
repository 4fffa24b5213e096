// Traceability (SPEC §3.2): one User's outstanding devices in one snapshot, as CSV, found by
// re-reading the archived file through the same scanner and rules that counted them. Streams: the
// file is read a chunk at a time and each chunk's rows are written before the next is read.
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Knex } from 'knex';
import { readMapRegister, rejectedLines, type SnapshotRow } from '../../db/queries/snapshots.ts';
import { loadSettings } from '../programme/settings.ts';
import { readArchivedText } from './ingest/archive.ts';
import { createScanner } from './format/scanner.ts';
import type { OutstandingDevice } from './format/scan-types.ts';

export const OUTSTANDING_COLUMNS = ['user_id', 'device_id', 'device_type', 'device_status', 'map_id', 'map_id_state', 'prenotified_date', 'line'] as const;

/**
 * The rules the snapshot was counted with, so the list matches its stored counts whatever has changed
 * since; today's rules only for snapshots imported before the rules were kept with them.
 */
async function rulesOf(knex: Knex, snapshot: SnapshotRow): Promise<{ implementationDate: string; mapRegister: Set<string> | null }> {
  if (snapshot.rules_implementation_date !== null) {
    const register = snapshot.rules_map_register === null ? null : (JSON.parse(snapshot.rules_map_register) as string[]);
    return { implementationDate: snapshot.rules_implementation_date, mapRegister: register === null ? null : new Set(register) };
  }
  const register = await readMapRegister(knex);
  return { implementationDate: (await loadSettings(knex)).implementationDate, mapRegister: register.length > 0 ? new Set(register) : null };
}

/**
 * Writes the CSV to `out` (ended when done) and returns how many devices it listed. Cells that a
 * spreadsheet would run as a formula (starting = + - @, tab or CR) are prefixed with a quote: the
 * file's text is the DCC's, not ours to trust.
 */
export async function writeOutstandingCsv(deps: { knex: Knex; dataDir: string }, snapshot: SnapshotRow, userId: string, out: Writable): Promise<number> {
  // Rows the import rejected are not counted; of the scanner's rows, only repeated device_ids can be.
  const rejected = await rejectedLines(deps.knex, snapshot.id);
  const rules = await rulesOf(deps.knex, snapshot);
  const csv = stringify({ header: true, columns: [...OUTSTANDING_COLUMNS], escape_formulas: true });
  csv.pipe(out);
  let listed = 0;
  const pending: OutstandingDevice[] = [];
  const scanner = createScanner({
    implementationDate: rules.implementationDate,
    mapRegister: rules.mapRegister ?? undefined,
    // Counted, not kept: the import kept them already.
    onRejection: () => undefined,
    outstandingOf: { userId, onDevice: (device) => pending.push(device) },
  });
  const flush = async (): Promise<void> => {
    for (const device of pending) {
      if (rejected.has(device.line)) continue;
      listed++;
      const more = csv.write([
        userId,
        device.deviceId,
        device.fuel,
        device.deviceStatus,
        device.mapId,
        device.mapId === '' ? 'absent' : 'invalid',
        device.prenotifiedDate,
        device.line,
      ]);
      if (!more) await new Promise<void>((resolve) => csv.once('drain', resolve));
    }
    pending.length = 0;
  };
  const text = await readArchivedText(deps.dataDir, snapshot);
  for await (const chunk of text) {
    scanner.push(chunk as Buffer);
    await flush();
  }
  scanner.end();
  await flush();
  await new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    csv.end();
  });
  return listed;
}
