// Helpers for the scanner tests: scan text or bytes in chosen chunk sizes, and build inventory rows
// from a few named fields so each test states only what it is about.
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import type { ScannerOptions, ScanResult } from '../../../server/snapshots/format/scan-types.ts';
import type { FuelCounts, UserCounts } from '../../../server/snapshots/format/user-counts.ts';

export const HEADER = 'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date';
export const USER_A = '90-B3-D5-1F-30-01-00-0A';
export const USER_B = '90-B3-D5-1F-30-01-00-0B';

export interface RowFields {
  device_id: string;
  device_type: string;
  device_status: string;
  responsible_user_id: string;
  map_id: string;
  prenotified_date: string;
}

/** The n-th device id, in the normalised spelling. */
export function deviceId(n: number): string {
  const hex = n.toString(16).toUpperCase().padStart(16, '0');
  return hex.match(/../g)!.join('-');
}

/** One CSV row in HEADER's column order: an in-scope ESME of USER_A, pre-notified in 2017, no MAP ID. */
export function row(n: number, fields: Partial<RowFields> = {}): string {
  const all: RowFields = {
    device_id: deviceId(n),
    device_type: 'ESME',
    device_status: 'Commissioned',
    responsible_user_id: USER_A,
    map_id: '',
    prenotified_date: '2017-01-01',
    ...fields,
  };
  return [all.device_id, all.device_type, all.device_status, all.responsible_user_id, all.map_id, all.prenotified_date].join(',');
}

/** A file of HEADER and the rows, LF line ends, with a trailing newline. */
export function file(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

/** Chunk sizes to cut the input into: one size for every chunk, or a function asked before each. */
export type Chunking = number | (() => number);

export function scanBytes(bytes: Uint8Array, options: Partial<ScannerOptions> = {}, chunking: Chunking = Infinity): ScanResult {
  const scanner = createScanner({ implementationDate: '2018-06-28', ...options });
  let at = 0;
  while (at < bytes.length) {
    const size = typeof chunking === 'number' ? chunking : chunking();
    const end = Math.min(bytes.length, at + Math.max(1, size));
    scanner.push(bytes.subarray(at, end));
    at = end;
  }
  return scanner.end();
}

export function scanText(text: string, options: Partial<ScannerOptions> = {}, chunking: Chunking = Infinity): ScanResult {
  return scanBytes(Buffer.from(text, 'utf8'), options, chunking);
}

export const ZERO: FuelCounts = { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 };

/** FuelCounts from the counts that are not zero (outstanding is derived). */
export function fuel(counts: Partial<Omit<FuelCounts, 'outstanding'>>): FuelCounts {
  const all = { ...ZERO, ...counts };
  return { ...all, outstanding: all.inScope - all.completed };
}

export function user(esme: Partial<Omit<FuelCounts, 'outstanding'>> = {}, gsme: Partial<Omit<FuelCounts, 'outstanding'>> = {}): UserCounts {
  return { esme: fuel(esme), gsme: fuel(gsme) };
}

/** A seeded pseudo-random generator (mulberry32), so a failing case can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
