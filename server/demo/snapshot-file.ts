// The text of one demo snapshot file, as the DCC would export it: a header, then one row a device
// in the inventory on that date with the MAP ID it carries by then, and the planned junk rows
// among them. Pure: it yields the CSV in chunks, and the caller writes them wherever it likes.
import type { DemoProgramme, JunkRow, SnapshotFilePlan } from './demo-programme.ts';
import { MANUFACTURERS_FOR_JUNK, deviceBytes, spellEui64 } from './plan-devices.ts';

export const SNAPSHOT_HEADER = 'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date';

/** Rows per chunk: big enough that joining is cheap, small enough that memory stays flat. */
const CHUNK_ROWS = 20_000;

function junkLine(junk: JunkRow, repeated: string | undefined, mask: number): string {
  const id = spellEui64(deviceBytes(junk.serial, MANUFACTURERS_FOR_JUNK, mask), 'dash');
  switch (junk.kind) {
    case 'duplicate':
      // The same device listed twice: the import keeps the first and rejects this one.
      if (repeated === undefined) throw new Error(`junk row before data row ${junk.before} repeats row ${junk.repeats}, which was not written`);
      return repeated;
    case 'bad-device-id':
      return `${id.slice(0, -3)},ESME,Commissioned,${junk.userId},,2016-03-14`;
    case 'impossible-date':
      return `${id},GSME,Commissioned,${junk.userId},,2017-02-30`;
    case 'bad-user-id':
      return `${id},ESME,Commissioned,${junk.userId.slice(0, -3)},,2015-05-05`;
    case 'empty-type':
      return `${id},,Commissioned,${junk.userId},,2016-11-21`;
  }
}

/** The file's CSV text, chunk by chunk (LF line ends, a final newline). */
export function* snapshotChunks(programme: DemoProgramme, file: SnapshotFilePlan): Generator<string> {
  const { devices } = programme;
  const k = file.index;
  const mask = programme.seed >>> 0;
  const repeatedRows = new Set(file.junk.filter((j) => j.kind === 'duplicate').map((j) => j.repeats));
  const kept = new Map<number, string>();
  let junkIndex = 0;
  let lines: string[] = [SNAPSHOT_HEADER];
  let written = 0;
  for (let d = 0; d < devices.count && written < file.dataRows; d++) {
    if (devices.appearsAt[d]! > k) continue;
    while (junkIndex < file.junk.length && file.junk[junkIndex]!.before === written) {
      const junk = file.junk[junkIndex++]!;
      lines.push(junkLine(junk, kept.get(junk.repeats), mask));
    }
    const row = devices.head[d]! + (devices.mapFrom[d]! <= k ? devices.mapText[d]! : '') + devices.tail[d]!;
    if (repeatedRows.has(written)) kept.set(written, row);
    lines.push(row);
    written++;
    if (lines.length >= CHUNK_ROWS) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}
