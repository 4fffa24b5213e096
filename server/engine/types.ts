// What flows into and out of the progress engine (SPEC §4): plain data, dates as 'YYYY-MM-DD'.
import type { WorkingDays } from './working-days.ts';

export const FUELS = ['esme', 'gsme'] as const;
export type Fuel = (typeof FUELS)[number];

/** The counts of SPEC §3.2 for one User and fuel in one snapshot. */
export interface FuelCounts {
  inScope: number;
  completed: number;
  invalid: number;
  outstanding: number;
  newMissing: number;
}

export type UserCounts = Record<Fuel, FuelCounts>;

export interface SnapshotInput {
  /** A higher id for the same as-of date is a newer upload and supersedes the older (SPEC §3.1). */
  id: number;
  asOf: string;
  /** Counts keyed by User ID; a User without an entry had no ESME/GSME rows in that snapshot. */
  counts: Readonly<Record<string, UserCounts>>;
}

export interface RegisterEntry {
  userId: string;
  name: string;
  /** false for a User added from a snapshot and not yet named by SECAS (SPEC §3.3). */
  registered: boolean;
}

export interface DeclarationInput {
  userId: string;
  count: number;
  receivedOn: string;
}

export interface AllowanceInput {
  userId: string;
  /** Update Inventory service requests allowed per Working Day. */
  perDay: number;
  effectiveFrom: string;
  confirmedOn: string;
}

export interface ProgressSettings {
  implementationDate: string;
  /** Working Days after the implementation date by which Users must declare. */
  notificationWindow: number;
  /** Working Days after a declaration by which the DCC must confirm an allowance. */
  confirmationWindow: number;
  /** Working Days over which the actual rate is measured. */
  rateWindow: number;
  /** A baseline snapshot pinned by SECAS; null or absent means the default of SPEC §4.2. */
  baselineSnapshotId?: number | null;
}

export interface ProgressInputs {
  /** The date positions are asked "as of"; the snapshot used is the newest on or before it. */
  askedAsOf: string;
  settings: ProgressSettings;
  /** Bank holiday dates, or a WorkingDays calendar already built from them. */
  holidays: readonly string[] | WorkingDays;
  /** The deadline in force now (the latest recorded), whatever the as-of date; null if none is set. */
  deadline: string | null;
  register: readonly RegisterEntry[];
  /** Every snapshot, superseded ones included; the engine picks the ones that count. */
  snapshots: readonly SnapshotInput[];
  declarations: readonly DeclarationInput[];
  allowances: readonly AllowanceInput[];
}

export type Rag = 'RED' | 'AMBER' | 'GREEN';

export type RagReason =
  'complete' | 'deadline missed' | 'cannot finish within allowance' | 'not enough snapshots' | 'no progress' | 'projected after deadline' | 'on track';

export const COMPLIANCE_FLAGS = [
  'ALLOWANCE_EXCEEDED',
  'CONFIRMATION_LATE',
  'CONFIRMATION_MISSING',
  'DECLARATION_MISMATCH',
  'INVALID_MAP_IDS',
  'NEW_WITHOUT_MAP_ID',
  'NOTIFICATION_LATE',
  'NOTIFICATION_MISSING',
  'UNREGISTERED_USER',
] as const;
export type ComplianceFlag = (typeof COMPLIANCE_FLAGS)[number];

export interface SnapshotRef {
  id: number;
  asOf: string;
}

/** Outstanding MAP IDs at one snapshot, for history charts. */
export interface OutstandingPoint {
  snapshotId: number;
  asOf: string;
  esme: number;
  gsme: number;
  total: number;
}

/** The deadline trajectory of SPEC §4.2 at one date. */
export interface TrajectoryPoint {
  date: string;
  outstanding: number;
}

/** The figures SPEC §4.2 defines, for one User or summed for the programme. */
export interface PositionFigures {
  esme: FuelCounts;
  gsme: FuelCounts;
  total: FuelCounts;
  completionPct: number;
  baseline: number | null;
  declared: number | null;
  allowance: number | null;
  actualRate: number | null;
  requiredRate: number | null;
  wdRemaining: number | null;
  projectedCompletion: string | null;
  /** Outstanding at every snapshot that counts, up to the as-of date. */
  history: OutstandingPoint[];
  /** Where outstanding would be on a straight Working-Day line from the baseline to the deadline. */
  trajectory: TrajectoryPoint[];
}

export interface UserPosition extends PositionFigures {
  userId: string;
  name: string;
  registered: boolean;
  /** The snapshot S0 the actual rate is measured from, or null when there is no rate. */
  rateMeasuredFrom: SnapshotRef | null;
  rag: Rag;
  reason: RagReason;
  /** Sorted alphabetically, as the worked example lists them. */
  flags: ComplianceFlag[];
}

/** Programme totals: each count, baseline, declaration, allowance and rate is the sum over Users. */
export interface ProgrammePosition extends PositionFigures {
  ragCounts: Record<Rag, number>;
  flagCounts: Record<ComplianceFlag, number>;
}

export interface ProgressAvailable {
  status: 'ok';
  askedAsOf: string;
  /** The as-of date t of the snapshot used (SPEC §4.2), on or before askedAsOf. */
  asOf: string;
  snapshotId: number;
  deadline: string | null;
  /** Null when the baseline snapshot is later than t (or there is none yet). */
  baselineSnapshot: SnapshotRef | null;
  /** Sorted by User ID, so the order never changes when SECAS renames a User. */
  users: UserPosition[];
  programme: ProgrammePosition;
  /** Things SECAS should know about the inputs, e.g. a pinned baseline snapshot that does not exist. */
  warnings: string[];
}

/** There is no snapshot on or before the asked date, so there are no positions to give. */
export interface ProgressUnavailable {
  status: 'no-snapshot';
  askedAsOf: string;
  deadline: string | null;
  message: string;
}

export type ProgressResult = ProgressAvailable | ProgressUnavailable;
