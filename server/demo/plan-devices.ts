// Every device of the demo inventory over the 18 months, as the DCC's files spell them: each User's
// meters (backfilled on its planned curve, with invalid MAP IDs where planned), retired meters,
// other devices, and the meters pre-notified each fortnight; then IDs in the spellings exporters use.
import { addDays } from '../engine/calendar.ts';
import { INVALID_MAP_IDS, MAP_REGISTER } from './demo-map-register.ts';
import { NEVER, SNAPSHOT_INTERVAL_DAYS, type DemoUser, type DeviceTable } from './demo-programme.ts';
import { weightedPicker, type Random } from './random.ts';

/** Other devices (comms hubs, gas proxies, displays…) per in-scope meter, and out-of-scope meters. */
const OTHER_DEVICES_PER_METER = 0.45;
const RETIRED_METERS_PER_METER = 0.05;

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
export function planDevices({ users, targets, invalidAt, snapshotDates, implementation, random, seed }: DeviceInputs): DeviceTable {
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
      existing.push({
        userIndex: u,
        type: meterType(),
        status: inScopeStatus(random),
        prenotified: preDate(),
        appearsAt: 0,
        mapFrom: k > last ? NEVER : k,
        mapText: k > last ? '' : mapOf(),
      });
    }
    for (const from of invalidFrom) {
      existing.push({
        userIndex: u,
        type: meterType(),
        status: inScopeStatus(random),
        prenotified: preDate(),
        appearsAt: 0,
        mapFrom: from,
        mapText: random.pick(INVALID_MAP_IDS),
      });
    }
    for (let i = Math.max(1, Math.round(user.meters * RETIRED_METERS_PER_METER)); i > 0; i--) {
      const mapped = random.next() < 0.3;
      existing.push({
        userIndex: u,
        type: meterType(),
        status: retiredStatus(random),
        prenotified: preDate(),
        appearsAt: 0,
        mapFrom: mapped ? 0 : NEVER,
        mapText: mapped ? mapOf() : '',
      });
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
        added[s]!.push({
          userIndex: u,
          type: meterType(),
          status: random.next() < 0.9 ? 'Commissioned' : 'InstalledNotCommissioned',
          prenotified,
          appearsAt: s,
          mapFrom: lacks ? NEVER : s,
          mapText: lacks ? '' : mapOf(),
        });
      }
      for (let i = Math.round(count * OTHER_DEVICES_PER_METER); i > 0; i--) {
        added[s]!.push({
          userIndex: u,
          type: otherType(random),
          status: 'Commissioned',
          prenotified: addDays(snapshotDates[s - 1]!, random.int(1, SNAPSHOT_INTERVAL_DAYS)),
          appearsAt: s,
          mapFrom: NEVER,
          mapText: '',
        });
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
