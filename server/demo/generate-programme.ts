// The demo programme as plain data, from a seed and a size: the Users of demo-cast.ts with their
// sizes and paces, the reference data SECAS and the DCC would record (MAP register, declarations,
// allowances, the deadline and its move), every device of the inventory with the snapshot from
// which it carries its MAP ID, and the files the DCC sends. Pure: no I/O, and the same inputs give
// the same programme, so tests can build one at a small size and check what the files say.
//
// Each User's backfill follows a curve (the share of its meters with a valid MAP ID at each
// snapshot) chosen by its pace; the planned counts are kept beside the devices so that what the
// ingest reads from the files can be checked against what was meant.
import { addDays, addMonths, lastDayOfMonth, monthOf } from '../engine/calendar.ts';
import type { WorkingDays } from '../engine/working-days.ts';
import { CAST, type Pace, type Trait } from './demo-cast.ts';
import { seededRandom, weightedPicker, type Random } from './random.ts';

/** Pre-implementation meters to backfill, summed over Users, when no size is asked for. */
export const DEFAULT_METERS = 120_000;
/** Below this the smallest Users have too few meters for their paces to show. */
export const MIN_METERS = 2_000;
/** Above this a laptop takes minutes; the import itself is built for the whole SMI. */
export const MAX_METERS = 2_000_000;
export const DEFAULT_SEED = 20_180_628;
/** Fortnightly snapshots for 18 months: the implementation date and 39 more. */
export const SNAPSHOT_COUNT = 40;
export const SNAPSHOT_INTERVAL_DAYS = 14;
/** A snapshot index no device reaches: "never". */
export const NEVER = 255;

export interface ProgrammeOptions {
  meters: number;
  seed: number;
  /** The programme settings the files and the dates are made for (SPEC §3.3). */
  settings: { implementationDate: string; notificationWindow: number; confirmationWindow: number; maxRejectRatio: number };
  workingDays: WorkingDays;
}

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

export interface MapEntry {
  mapId: string;
  name: string;
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

export const MAP_REGISTER: readonly MapEntry[] = [
  { mapId: 'AMPL', name: 'Avon Meter Partners' },
  { mapId: 'BRMA', name: 'Broadleaf Meter Assets' },
  { mapId: 'CMAP', name: 'Caldera Metering' },
  { mapId: 'DMAX', name: 'Dunmore Asset Finance' },
  { mapId: 'EMAP', name: 'Elmstead Meter Assets' },
  { mapId: 'FMAL', name: 'Fairhaven Meters' },
  { mapId: 'GRID', name: 'Gridline Asset Management' },
  { mapId: 'HMAP', name: 'Holloway Meter Funding' },
];

/** Not valid: the first two are well-formed but not in the register, the others are malformed. */
const INVALID_MAP_IDS = ['HMA9', 'ZZZZ', 'EM-1', 'CMAP01'];

/** The snapshot the DCC re-sends with its rejected rows fixed (the first stays, superseded). */
const REISSUED_SNAPSHOT = 13;
/** The snapshot first sent as a truncated, broken extract, refused, then sent whole. */
const PARTIAL_SNAPSHOT = 26;
const PARTIAL_ROWS = 2_000;

/** Other devices (comms hubs, gas proxies, displays…) per in-scope meter, and out-of-scope meters. */
const OTHER_DEVICES_PER_METER = 0.45;
const RETIRED_METERS_PER_METER = 0.05;
/** Zipf exponent of the Users' sizes: the largest has about a quarter of the meters. */
const SIZE_SKEW = 1.1;

const MANUFACTURERS = [0x001bc5, 0x000d6f, 0x70b3d5, 0xbc33ac, 0x00124b, 0xd0cf5e];
/** The prefix of junk rows' device IDs (their serials, above every real device's, keep them distinct). */
export const MANUFACTURERS_FOR_JUNK = 0x001bc5;
const EARLIEST_PRENOTIFIED = '2013-01-07';

const inScopeStatus = weightedPicker<string>([
  ['Commissioned', 880],
  ['InstalledNotCommissioned', 40],
  // The same status as some exporters write it; the import compares ignoring spaces.
  ['Installed Not Commissioned', 10],
  ['Pending', 20],
  ['Whitelisted', 20],
  ['Suspended', 15],
  ['Recovery', 5],
  ['Recovered', 10],
]);
const retiredStatus = weightedPicker<string>([
  ['Decommissioned', 4],
  ['Withdrawn', 1],
]);
const otherType = weightedPicker<string>([
  ['CHF', 50],
  ['GPF', 25],
  ['IHD', 17],
  ['PPMID', 6],
  ['HCALCS', 2],
]);
const otherStatus = weightedPicker<string>([
  ['Commissioned', 92],
  ['InstalledNotCommissioned', 3],
  ['Decommissioned', 4],
  ['Withdrawn', 1],
]);
type Spelling = 'dash' | 'bare' | 'colon' | 'lower';
const deviceSpelling = weightedPicker<Spelling>([
  ['dash', 90],
  ['bare', 6],
  ['colon', 3],
  ['lower', 1],
]);
const userSpelling = weightedPicker<Spelling>([
  ['dash', 96],
  ['bare', 2],
  ['colon', 1],
  ['lower', 1],
]);
const JUNK_KINDS: readonly JunkKind[] = ['duplicate', 'bad-device-id', 'impossible-date', 'bad-user-id', 'empty-type'];

const hex2 = (n: number): string => (n & 255).toString(16).toUpperCase().padStart(2, '0');

export function spellEui64(bytes: readonly number[], spelling: Spelling): string {
  const pairs = bytes.map(hex2);
  if (spelling === 'bare') return pairs.join('');
  if (spelling === 'colon') return pairs.join(':');
  if (spelling === 'lower') return pairs.join('-').toLowerCase();
  return pairs.join('-');
}

/**
 * The bytes of device number `serial`: a manufacturer prefix and a 32-bit serial. Multiplying by an
 * odd constant is a bijection on 32 bits, so distinct serials always give distinct IDs.
 */
export function deviceBytes(serial: number, manufacturer: number, mask: number): number[] {
  const s = (Math.imul(serial + 1, 0x9e3779b1) ^ mask) >>> 0;
  return [manufacturer >>> 16, manufacturer >>> 8, manufacturer, 0x00, s >>> 24, s >>> 16, s >>> 8, s];
}

/** An allowance as the DCC would round it: whole numbers, in fives or tens once they are large. */
export function roundAllowanceUp(value: number): number {
  if (value <= 20) return Math.max(1, Math.ceil(value));
  const step = value <= 200 ? 5 : value <= 2000 ? 10 : 50;
  return Math.ceil(value / step) * step;
}

export function validateMeters(meters: number): string | null {
  if (!Number.isInteger(meters) || meters < MIN_METERS || meters > MAX_METERS) {
    return `The demo’s size must be a whole number of meters from ${MIN_METERS.toLocaleString('en-GB')} to ${MAX_METERS.toLocaleString('en-GB')} (got ${String(meters)}).`;
  }
  return null;
}

/** Sizes by rank, Zipf-like, summing to about `meters`; every User has some. */
function userSizes(meters: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => 1 / (i + 1) ** SIZE_SKEW);
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => Math.max(10, Math.round((meters * w) / total)));
}

function uniqueUserIds(random: Random, count: number): string[] {
  const ids = new Set<string>();
  while (ids.size < count) {
    // A unicast, globally administered EUI-64: the first byte even.
    const bytes = Array.from({ length: 8 }, () => random.int(0, 255));
    bytes[0] = bytes[0]! & 0xfe;
    ids.add(spellEui64(bytes, 'dash'));
  }
  return [...ids];
}

interface Timing {
  /** Index of the first snapshot that shows progress (the first after the allowance took effect). */
  start: number;
  first: { receivedOn: string; count: number } | null;
  correction: { receivedOn: string; count: number } | null;
  confirmedOn: string | null;
  effectiveFrom: string | null;
}

/** The share of a User's meters backfilled at each snapshot, by its pace. */
function paceCurve(pace: Pace, traits: readonly Trait[], start: number, last: number, random: Random): number[] {
  const linear = (share: number, from: number, to: number) => (k: number) =>
    k < from ? 0 : share * Math.min(1, (k - from + 1) / (to - from + 1));
  let at: (k: number) => number;
  if (pace === 'finishes' && traits.includes('bursts')) {
    // Steady to 55 %, then the rest in one fortnight: far more than its allowance.
    const finish = Math.max(start + 12, random.int(18, 26));
    at = (k) => (k >= finish ? 1 : linear(0.55, start, finish - 1)(k));
  } else if (pace === 'finishes') {
    at = linear(1, start, Math.max(start + 10, random.int(14, last - 3)));
  } else if (pace === 'on-track') {
    at = linear(random.between(0.8, 0.93), start, last);
  } else if (pace === 'slow') {
    at = linear(random.between(0.42, 0.58), start, last);
  } else if (pace === 'stalls') {
    at = linear(random.between(0.28, 0.45), start, random.int(last - 12, last - 5));
  } else {
    at = linear(random.between(0.18, 0.3), start, last);
  }
  return Array.from({ length: last + 1 }, (_, k) => at(k));
}

export function generateProgramme(options: ProgrammeOptions): DemoProgramme {
  const problem = validateMeters(options.meters);
  if (problem) throw new RangeError(problem);
  const { workingDays: wd, settings } = options;
  const random = seededRandom(options.seed);
  const implementation = settings.implementationDate;
  const last = SNAPSHOT_COUNT - 1;
  const snapshotDates = Array.from({ length: SNAPSHOT_COUNT }, (_, k) => addDays(implementation, k * SNAPSHOT_INTERVAL_DAYS));
  const finalDate = snapshotDates[last]!;

  // The deadline: end of the 18 months, set at the start; moved six months on between the two
  // published reports, when the first showed how many Users could not make it.
  const reportMonths: [string, string] = [addMonths(monthOf(finalDate), -2), addMonths(monthOf(finalDate), -1)];
  const firstDeadline = lastDayOfMonth(monthOf(finalDate));
  const movedDeadline = lastDayOfMonth(addMonths(monthOf(finalDate), 6));
  const deadlines: [DeadlineDecision, DeadlineDecision] = [
    {
      deadline: firstDeadline,
      decidedOn: wd.addWd(implementation, 3),
      reason: 'Set by the Panel when SECMP0011 was implemented: every User to have backfilled its MAP IDs by the end of the 18 months the DCC planned for.',
    },
    {
      deadline: movedDeadline,
      decidedOn: wd.addWd(lastDayOfMonth(reportMonths[0]), 5),
      reason:
        'Moved by six months at the Panel’s meeting after the report for ' +
        `${reportMonths[0]}: several Users could not finish within their DCC allowance by the first deadline, and raising allowances would have risked the demand spikes they exist to prevent.`,
    },
  ];
  const wdToDeadline = wd.wdBetween(finalDate, movedDeadline);

  const ids = uniqueUserIds(random, CAST.length);
  const sizes = userSizes(options.meters, CAST.length);
  const notificationDue = wd.addWd(implementation, settings.notificationWindow);

  // Dates first: a User starts sending Update Inventory requests once its allowance is in force.
  const timings: Timing[] = CAST.map((member, i) => {
    const meters = sizes[i]!;
    if (member.traits.includes('no-declaration')) return { start: 3, first: null, correction: null, confirmedOn: null, effectiveFrom: null };
    const late = member.traits.includes('late-declaration');
    const receivedOn = wd.addWd(implementation, late ? random.int(settings.notificationWindow + 3, settings.notificationWindow + 25) : random.int(1, settings.notificationWindow));
    // Within 3 % of the meters, rounded towards them so that a small User stays within 5 %.
    let count = meters + Math.trunc(meters * random.between(-0.03, 0.03));
    if (member.traits.includes('mismatched-declaration')) count = Math.round(meters * 0.84);
    let correction: Timing['correction'] = null;
    if (member.traits.includes('corrected-declaration')) {
      correction = { receivedOn: wd.addWd(notificationDue, 15), count: meters + Math.trunc(meters * 0.01) };
      count = Math.round(meters * 0.7);
    }
    const window = settings.confirmationWindow;
    const confirmedOn = wd.addWd(receivedOn, member.traits.includes('late-confirmation') ? random.int(window + 4, window + 15) : random.int(1, window));
    const effectiveFrom = wd.addWd(confirmedOn, random.int(1, 3));
    const after = snapshotDates.findIndex((date) => date > effectiveFrom);
    return { start: after === -1 ? last : after, first: { receivedOn, count }, correction, confirmedOn, effectiveFrom };
  });

  const users: DemoUser[] = [];
  const declarations: DeclarationPlan[] = [];
  const allowances: AllowancePlan[] = [];
  const targets: number[][] = [];
  const invalidAt: number[][] = [];
  CAST.forEach((member, i) => {
    const userId = ids[i]!;
    const meters = sizes[i]!;
    const timing = timings[i]!;
    const invalidCount = member.traits.includes('invalid-map-ids') ? Math.max(2, Math.round(meters * 0.004)) : 0;
    const curve = paceCurve(member.pace, member.traits, timing.start, last, random);
    const target = curve.map((share) => Math.round((meters - invalidCount) * share));
    targets.push(target);
    const invalidFrom = Array.from({ length: invalidCount }, () => random.int(6, 30)).sort((a, b) => a - b);
    invalidAt.push(invalidFrom);
    users.push({
      userId,
      name: member.name,
      shortName: member.shortName,
      pace: member.pace,
      traits: member.traits,
      meters,
      completed: target,
      invalid: snapshotDates.map((_, k) => invalidFrom.filter((from) => from <= k).length),
      newMissing: [],
    });
    if (timing.first) declarations.push({ userId, ...timing.first });
    if (timing.correction) declarations.push({ userId, ...timing.correction });
    if (timing.confirmedOn && timing.effectiveFrom) {
      // Enough for the fastest fortnight and for what is left at the end, with a margin: except for
      // the User whose allowance is too small, and the one that bursts through it.
      const burst = member.traits.includes('bursts') ? target.findIndex((v) => v === meters - invalidCount) : -1;
      let peak = 0;
      for (let k = 1; k <= last; k++) {
        if (k === burst) continue;
        peak = Math.max(peak, (target[k]! - target[k - 1]!) / wd.wdBetween(snapshotDates[k - 1]!, snapshotDates[k]!));
      }
      const required = (meters - target[last]!) / wdToDeadline;
      const perDay = roundAllowanceUp(1.3 * (member.pace === 'short-allowance' ? peak : Math.max(peak, required)));
      allowances.push({ userId, perDay, effectiveFrom: timing.effectiveFrom, confirmedOn: timing.confirmedOn });
      if (member.traits.includes('raised-allowance')) {
        const confirmedOn = wd.addWd(snapshotDates[18]!, 1);
        allowances.push({ userId, perDay: roundAllowanceUp(perDay * 1.5), effectiveFrom: wd.addWd(confirmedOn, 2), confirmedOn });
      }
    }
  });

  const devices = buildDevices({ users, targets, invalidAt, snapshotDates, implementation, random, seed: options.seed });
  const rowsAt = snapshotDates.map(() => 0);
  for (let d = 0; d < devices.count; d++) rowsAt[devices.appearsAt[d]!]! += 1;
  for (let k = 1; k <= last; k++) rowsAt[k]! += rowsAt[k - 1]!;

  const files = planFiles({ snapshotDates, rowsAt, users, devices, random, maxRejectRatio: settings.maxRejectRatio });
  return {
    seed: options.seed,
    implementationDate: implementation,
    snapshotDates,
    users,
    mapRegister: [...MAP_REGISTER],
    declarations,
    allowances,
    deadlines,
    reportMonths,
    devices,
    rowsAt,
    files,
  };
}

interface DeviceInputs {
  users: DemoUser[];
  targets: number[][];
  invalidAt: number[][];
  snapshotDates: string[];
  implementation: string;
  random: Random;
  seed: number;
}

interface Device {
  userIndex: number;
  type: string;
  status: string;
  prenotified: string;
  appearsAt: number;
  mapFrom: number;
  mapText: string;
}

/** Fills in each User's newMissing plan as it goes. */
function buildDevices({ users, targets, invalidAt, snapshotDates, implementation, random, seed }: DeviceInputs): DeviceTable {
  const last = snapshotDates.length - 1;
  const daysBefore = Math.max(1, Math.round((Date.parse(implementation) - Date.parse(EARLIEST_PRENOTIFIED)) / 86_400_000));
  const preDates = Array.from({ length: daysBefore }, (_, i) => addDays(EARLIEST_PRENOTIFIED, i));
  const preDate = (): string => preDates[random.int(0, daysBefore - 1)]!;
  const existing: Device[] = [];
  const added: Device[][] = snapshotDates.map(() => []);

  users.forEach((user, u) => {
    const esmeShare = random.between(0.5, 0.62);
    const meterType = (): string => (random.next() < esmeShare ? 'ESME' : 'GSME');
    const maps = [random.pick(MAP_REGISTER).mapId, random.pick(MAP_REGISTER).mapId];
    const mapOf = (): string => maps[random.next() < 0.8 ? 0 : 1]!;
    const target = targets[u]!;
    const invalidFrom = invalidAt[u]!;
    const backfilled = user.meters - invalidFrom.length;

    // The backfill: meters in a random order; the r-th gets its MAP ID at the first snapshot whose
    // planned count exceeds r, so every snapshot has exactly the planned count.
    let k = 0;
    for (let r = 0; r < backfilled; r++) {
      while (k <= last && target[k]! <= r) k++;
      existing.push({ userIndex: u, type: meterType(), status: inScopeStatus(random), prenotified: preDate(), appearsAt: 0, mapFrom: k > last ? NEVER : k, mapText: k > last ? '' : mapOf() });
    }
    for (const from of invalidFrom) {
      existing.push({ userIndex: u, type: meterType(), status: inScopeStatus(random), prenotified: preDate(), appearsAt: 0, mapFrom: from, mapText: random.pick(INVALID_MAP_IDS) });
    }
    for (let i = Math.max(1, Math.round(user.meters * RETIRED_METERS_PER_METER)); i > 0; i--) {
      const mapped = random.next() < 0.3;
      existing.push({ userIndex: u, type: meterType(), status: retiredStatus(random), prenotified: preDate(), appearsAt: 0, mapFrom: mapped ? 0 : NEVER, mapText: mapped ? mapOf() : '' });
    }
    for (let i = Math.round(user.meters * OTHER_DEVICES_PER_METER); i > 0; i--) {
      existing.push({ userIndex: u, type: otherType(random), status: otherStatus(random), prenotified: preDate(), appearsAt: 0, mapFrom: NEVER, mapText: '' });
    }

    // Meters pre-notified since the implementation date must carry a MAP ID; for a few Users some do not.
    const growth = random.between(0.0015, 0.004);
    const careless = user.traits.includes('new-without-map-id');
    let missing = 0;
    user.newMissing = [0];
    for (let s = 1; s <= last; s++) {
      const count = Math.max(careless && s === 4 ? 1 : 0, Math.round(user.meters * growth * random.between(0.6, 1.4)));
      for (let i = 0; i < count; i++) {
        const lacks = careless && s >= 4 && (i === 0 && s === 4 ? true : random.next() < 0.1);
        if (lacks) missing++;
        const prenotified = addDays(snapshotDates[s - 1]!, random.int(1, SNAPSHOT_INTERVAL_DAYS));
        added[s]!.push({ userIndex: u, type: meterType(), status: random.next() < 0.9 ? 'Commissioned' : 'InstalledNotCommissioned', prenotified, appearsAt: s, mapFrom: lacks ? NEVER : s, mapText: lacks ? '' : mapOf() });
      }
      for (let i = Math.round(count * OTHER_DEVICES_PER_METER); i > 0; i--) {
        added[s]!.push({ userIndex: u, type: otherType(random), status: 'Commissioned', prenotified: addDays(snapshotDates[s - 1]!, random.int(1, SNAPSHOT_INTERVAL_DAYS)), appearsAt: s, mapFrom: NEVER, mapText: '' });
      }
      user.newMissing.push(missing);
    }
  });

  // The DCC's extract is in no particular User order: shuffle what existed at the start, then the
  // devices each fortnight added, in the order they came.
  for (let i = existing.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [existing[i], existing[j]] = [existing[j]!, existing[i]!];
  }
  const all = [...existing, ...added.flat()];
  const userBytes = users.map((user) => user.userId.split('-').map((pair) => parseInt(pair, 16)));
  const mask = seed >>> 0;
  const table: DeviceTable = {
    count: all.length,
    head: new Array<string>(all.length),
    tail: new Array<string>(all.length),
    appearsAt: new Uint8Array(all.length),
    mapFrom: new Uint8Array(all.length),
    mapText: new Array<string>(all.length),
  };
  all.forEach((device, d) => {
    const id = spellEui64(deviceBytes(d, random.pick(MANUFACTURERS), mask), deviceSpelling(random));
    const user = spellEui64(userBytes[device.userIndex]!, userSpelling(random));
    table.head[d] = `${id},${device.type},${device.status},${user},`;
    table.tail[d] = `,${device.prenotified}`;
    table.appearsAt[d] = device.appearsAt;
    table.mapFrom[d] = device.mapFrom;
    table.mapText[d] = device.mapText;
  });
  return table;
}

interface FileInputs {
  snapshotDates: string[];
  rowsAt: number[];
  users: DemoUser[];
  devices: DeviceTable;
  random: Random;
  maxRejectRatio: number;
}

function planFiles({ snapshotDates, rowsAt, users, devices, random, maxRejectRatio }: FileInputs): SnapshotFilePlan[] {
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
      files.push({ fileName: `smi-${asOf}.csv`, asOf, index, kind: 'partial', gzip: false, dataRows: rows, junk: junkRows(bad, rows, ['impossible-date', 'bad-device-id']), expect: 'failed' });
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
