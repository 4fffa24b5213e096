// The demo programme as plain data (generate-programme.ts makes it): what each part of the plan
// holds, and the fortnightly schedule of snapshots every part is planned on.
import type { Pace, Trait } from './demo-cast.ts';
import type { MapEntry } from './demo-map-register.ts';

/** Fortnightly snapshots for 18 months: the implementation date and 39 more. */
export const SNAPSHOT_COUNT = 40;
export const SNAPSHOT_INTERVAL_DAYS = 14;
/** A snapshot index no device reaches: "never". */
export const NEVER = 255;

export interface DemoUser {
  userId: string;
  /** Null for the User left out of the Users register. */
  name: string | null;
  shortName: string | null;
  pace: Pace;
  traits: readonly Trait[];
  /** ESME and GSME meters in scope and pre-notified before the implementation date: its backfill. */
  meters: number;
  /** Planned, at each snapshot (by index): those meters with a valid MAP ID. */
  completed: number[];
  /** …with a MAP ID that is malformed or not in the MAP register. */
  invalid: number[];
  /** Meters pre-notified since the implementation date, in scope, without a valid MAP ID. */
  newMissing: number[];
}

export interface DeclarationPlan {
  userId: string;
  count: number;
  receivedOn: string;
}

export interface AllowancePlan {
  userId: string;
  perDay: number;
  effectiveFrom: string;
  confirmedOn: string;
}

export interface DeadlineDecision {
  deadline: string;
  decidedOn: string;
  reason: string;
}

export type JunkKind = 'duplicate' | 'bad-device-id' | 'impossible-date' | 'bad-user-id' | 'empty-type';

/** A row written to be rejected, inserted before the data row at `before` (0-based among data rows). */
export interface JunkRow {
  before: number;
  kind: JunkKind;
  /** For a duplicate: the data row it repeats (earlier in the file). */
  repeats: number;
  /** Makes the junk row's own device ID, distinct from every real device's. */
  serial: number;
  userId: string;
}

export interface SnapshotFilePlan {
  fileName: string;
  asOf: string;
  /** The snapshot (index into snapshotDates) whose devices the file lists. */
  index: number;
  /** regular: the fortnight's file; reissue: the DCC re-sends it with its bad rows fixed; partial: a truncated extract the import must refuse. */
  kind: 'regular' | 'reissue' | 'partial';
  gzip: boolean;
  /** Device rows written (a partial file stops early). */
  dataRows: number;
  junk: JunkRow[];
  /** What the import must make of it. */
  expect: 'imported' | 'failed';
}

/** Every device of the inventory over the 18 months, column by column. */
export interface DeviceTable {
  count: number;
  /** "device_id,device_type,device_status,responsible_user_id," as the file spells them. */
  head: string[];
  /** ",prenotified_date". */
  tail: string[];
  /** The first snapshot the device is in (it is pre-notified by then). */
  appearsAt: Uint8Array;
  /** The first snapshot in which it carries mapText; NEVER when it has no MAP ID. */
  mapFrom: Uint8Array;
  mapText: string[];
}

export interface DemoProgramme {
  seed: number;
  implementationDate: string;
  snapshotDates: string[];
  users: DemoUser[];
  mapRegister: MapEntry[];
  declarations: DeclarationPlan[];
  allowances: AllowancePlan[];
  /** The deadline set at the start, then the move; in the order they were decided. */
  deadlines: [DeadlineDecision, DeadlineDecision];
  /** The two months whose reports are published: the first before the deadline moved, the second after. */
  reportMonths: [string, string];
  devices: DeviceTable;
  /** Device rows in each snapshot. */
  rowsAt: number[];
  /** In the order the DCC sends them. */
  files: SnapshotFilePlan[];
}
