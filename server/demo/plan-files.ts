// The files the DCC sends in the demo, in order: one a fortnight, each with a few rows written to be
// rejected; one snapshot re-sent with its bad rows fixed, and one first sent truncated and broken
// (refused) and then whole.
import type { DemoUser, DeviceTable, JunkKind, JunkRow, SnapshotFilePlan } from './demo-programme.ts';
import type { Random } from './random.ts';

/** The snapshot the DCC re-sends with its rejected rows fixed (the first stays, superseded). */
const REISSUED_SNAPSHOT = 13;
/** The snapshot first sent as a truncated, broken extract, refused, then sent whole. */
const PARTIAL_SNAPSHOT = 26;
const PARTIAL_ROWS = 2_000;
const JUNK_KINDS: readonly JunkKind[] = ['duplicate', 'bad-device-id', 'impossible-date', 'bad-user-id', 'empty-type'];

interface FileInputs {
  snapshotDates: string[];
  rowsAt: number[];
  users: DemoUser[];
  devices: DeviceTable;
  random: Random;
  maxRejectRatio: number;
}

export function planFiles({ snapshotDates, rowsAt, users, devices, random, maxRejectRatio }: FileInputs): SnapshotFilePlan[] {
  let serial = devices.count;
  const junkRows = (count: number, dataRows: number, kinds: readonly JunkKind[]): JunkRow[] =>
    Array.from({ length: count }, () => {
      const before = random.int(1, Math.max(1, dataRows - 1));
      return { before, kind: random.pick(kinds), repeats: random.int(0, before - 1), serial: serial++, userId: random.pick(users).userId };
    }).sort((a, b) => a.before - b.before);
  const files: SnapshotFilePlan[] = [];
  snapshotDates.forEach((asOf, index) => {
    const dataRows = rowsAt[index]!;
    if (index === PARTIAL_SNAPSHOT) {
      const rows = Math.min(PARTIAL_ROWS, dataRows);
      // Far more rejected rows than max_reject_ratio allows: the import refuses it whole.
      const bad = Math.max(6, Math.ceil(rows * 0.02));
      files.push({
        fileName: `smi-${asOf}.csv`,
        asOf,
        index,
        kind: 'partial',
        gzip: false,
        dataRows: rows,
        junk: junkRows(bad, rows, ['impossible-date', 'bad-device-id']),
        expect: 'failed',
      });
    }
    // A handful of rejected rows, well within max_reject_ratio, so every regular file is accepted.
    const allowed = Math.floor((dataRows * maxRejectRatio) / 2);
    const junk = junkRows(Math.min(random.int(2, 6), allowed), dataRows, JUNK_KINDS);
    files.push({ fileName: `smi-${asOf}.csv.gz`, asOf, index, kind: 'regular', gzip: true, dataRows, junk, expect: 'imported' });
    if (index === REISSUED_SNAPSHOT) {
      files.push({ fileName: `smi-${asOf}-corrected.csv.gz`, asOf, index, kind: 'reissue', gzip: true, dataRows, junk: [], expect: 'imported' });
    }
  });
  return files;
}
