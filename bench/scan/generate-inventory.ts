// Writes a realistic synthetic SMI inventory CSV for benchmarks: 60 Users of skewed sizes, the SMI's
// device-type and status mix, half the meters without a MAP ID, ids in every accepted spelling.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface GenerateOptions {
  rows: number;
  path: string;
  /** Quote every field (some exporters do), which sends every row down the scanner's slow path. */
  quoteAll?: boolean;
  seed?: number;
}

export interface GenerateSummary {
  rows: number;
  bytes: number;
  /** Rows written to be rejected (duplicates, bad dates): about 1 in 10 000. */
  planted: number;
}

/** mulberry32: small, fast, and the same file for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from weighted choices with one random number. */
function picker<T>(choices: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  const table = choices.map(([value, w]) => {
    acc += w / total;
    return [value, acc] as const;
  });
  return (r) => {
    for (const [value, upTo] of table) if (r < upTo) return value;
    return table[table.length - 1]![0];
  };
}

const hex2 = (n: number): string => (n & 255).toString(16).toUpperCase().padStart(2, '0');

const MANUFACTURERS = [0x001bc5, 0x000d6f, 0x70b3d5, 0xbc33ac, 0x00124b, 0xd0cf5e];
const MAP_IDS = ['UFLM', 'CALM', 'MAP1', 'SMSL', 'LMAP', 'MBOX', 'EMAP', 'Z9Z9'];

const deviceType = picker<string>([
  ['ESME', 36],
  ['GSME', 30],
  ['CHF', 17],
  ['GPF', 8],
  ['PPMID', 4],
  ['IHD', 5],
]);

const deviceStatus = picker<string>([
  ['Commissioned', 84],
  ['InstalledNotCommissioned', 4],
  ['Pending', 2],
  ['Whitelisted', 2],
  ['Decommissioned', 5],
  ['Withdrawn', 1],
  ['Suspended', 1],
  ['Recovered', 1],
]);

const idStyle = picker<'dash' | 'bare' | 'colon' | 'lower'>([
  ['dash', 85],
  ['bare', 8],
  ['colon', 5],
  ['lower', 2],
]);

function spell(bytes: readonly number[], style: 'dash' | 'bare' | 'colon' | 'lower'): string {
  const pairs = bytes.map(hex2);
  if (style === 'bare') return pairs.join('');
  if (style === 'colon') return pairs.join(':');
  if (style === 'lower') return pairs.join('-').toLowerCase();
  return pairs.join('-');
}

function userIds(): string[] {
  return Array.from({ length: 60 }, (_, i) => spell([0x90, 0xb3, 0xd5, 0x1f, 0x30, 0x01, 0x00, i + 1], 'dash'));
}

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2013, 0, 1) / DAY_MS;
const LAST_DAY = Date.UTC(2019, 11, 31) / DAY_MS;
const DATES = Array.from({ length: LAST_DAY - FIRST_DAY + 1 }, (_, i) => new Date((FIRST_DAY + i) * DAY_MS).toISOString().slice(0, 10));

export function generateInventory(options: GenerateOptions): GenerateSummary {
  const next = random(options.seed ?? 20180628);
  const users = userIds();
  // Zipf-like: the largest supplier has about a fifth of the meters, the smallest a few hundred.
  const pickUser = picker(users.map((id, i) => [id, 1 / (i + 1) ** 1.1] as const));
  const quote = options.quoteAll === true ? (v: string): string => `"${v.replaceAll('"', '""')}"` : (v: string): string => v;
  const fd = openSync(options.path, 'w');
  const header = ['device_id', 'device_type', 'device_status', 'responsible_user_id', 'map_id', 'prenotified_date'];
  let bytes = 0;
  let planted = 0;
  let batch: string[] = [header.map(quote).join(',')];
  let batchChars = 0;
  const flush = (): void => {
    const text = batch.join('\n') + '\n';
    bytes += writeSync(fd, text);
    batch = [];
    batchChars = 0;
  };
  const earlier: string[] = [];
  for (let i = 0; i < options.rows; i++) {
    const m = MANUFACTURERS[Math.floor(next() * MANUFACTURERS.length)]!;
    // An odd multiplier is a bijection on 32 bits, so row i always gets a distinct id.
    const serial = Math.imul(i, 0x9e3779b1) >>> 0;
    let id = spell([m >>> 16, m >>> 8, m, Math.floor(next() * 256), serial >>> 24, serial >>> 16, serial >>> 8, serial], idStyle(next()));
    const type = deviceType(next());
    const status = deviceStatus(next());
    const meter = type === 'ESME' || type === 'GSME';
    const r = next();
    let mapId = '';
    if (meter && r < 0.48) mapId = MAP_IDS[Math.floor(next() * MAP_IDS.length)]!;
    else if (meter && r < 0.49) mapId = next() < 0.5 ? ' ufl1 ' : 'AB-1';
    else if (meter && r < 0.5) mapId = 'TOOLONG';
    let date = DATES[Math.floor(next() * DATES.length)]!;
    const plant = next();
    if (plant < 0.00005 && earlier.length > 0) {
      id = earlier[Math.floor(next() * earlier.length)]!;
      planted++;
    } else if (plant < 0.0001) {
      date = '2018-02-30';
      planted++;
    } else if (earlier.length < 1000 && next() < 0.001) {
      earlier.push(id);
    }
    const row = [id, type, status, pickUser(next()), mapId, date].map(quote).join(',');
    batch.push(row);
    batchChars += row.length;
    if (batchChars > 8_000_000) flush();
  }
  flush();
  closeSync(fd);
  return { rows: options.rows, bytes, planted };
}
