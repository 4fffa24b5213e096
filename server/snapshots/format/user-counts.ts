// The per-(User, fuel) counts of SPEC §3.2, accumulated in one Float64Array behind a small User
// table, so counting a row is a lookup and an addition rather than an object per row.
import { formatEui64 } from './eui64.ts';
import { U64Table } from './u64-table.ts';

// The scanner's result has the progress engine's shape, so counts flow into it unchanged.
import type { FuelCounts, UserCounts } from '../../engine/types.ts';

export type { FuelCounts, UserCounts };

export const FUEL_ESME = 0;
export const FUEL_GSME = 1;

export const MAP_STATE_ABSENT = 0;
export const MAP_STATE_VALID = 1;
export const MAP_STATE_INVALID = 2;

// Counter layout per User: [fuel * 4 + counter].
const IN_SCOPE = 0;
const COMPLETED = 1;
const INVALID = 2;
const NEW_MISSING = 3;
const PER_USER = 8;
const CACHE_MASK = 255;

/** A row that counts in no figure (out of scope), though its User still appears. */
export const CATEGORY_NONE = 0;

/**
 * What an accepted row of a fuel with an in-scope status counts towards, as one small number, so
 * the scanner can log it beside the row's device ID and take the count back if the row turns out
 * to be a duplicate.
 * `preImplementation`: pre-notified before the implementation date; `mapState`: a MAP_STATE_.
 */
export function meterCategory(fuel: number, preImplementation: boolean, mapState: number): number {
  return 1 + fuel * 6 + (preImplementation ? 0 : 3) + mapState;
}

// For each category, the counters it adds one to (-1: none), relative to the User's base.
const FIRST_COUNTER = new Int8Array(13).fill(-1);
const SECOND_COUNTER = new Int8Array(13).fill(-1);
for (const fuel of [FUEL_ESME, FUEL_GSME]) {
  for (const mapState of [MAP_STATE_ABSENT, MAP_STATE_VALID, MAP_STATE_INVALID]) {
    const pre = meterCategory(fuel, true, mapState);
    FIRST_COUNTER[pre] = fuel * 4 + IN_SCOPE;
    if (mapState === MAP_STATE_VALID) SECOND_COUNTER[pre] = fuel * 4 + COMPLETED;
    if (mapState === MAP_STATE_INVALID) SECOND_COUNTER[pre] = fuel * 4 + INVALID;
    // Since implementation every pre-notification must carry a valid MAP ID.
    if (mapState !== MAP_STATE_VALID) FIRST_COUNTER[meterCategory(fuel, false, mapState)] = fuel * 4 + NEW_MISSING;
  }
}

/** A counts table as plain arrays, to hand from one thread to another. */
export interface CountsTableState {
  users: number;
  /** Per User, its ID as two int32 halves. */
  ids: Int32Array;
  counters: Float64Array;
  accepted: Float64Array;
}

/** The first User registered past a table's limit, and the line it was first seen on. */
export interface UserOverflow {
  line: number;
  hi: number;
  lo: number;
}

export class CountsTable {
  /**
   * Set when a User is registered past `limit`. Noted here, on the path taken only for a User not
   * seen before, rather than checked on every row: the caller looks once per piece of the file.
   */
  overflow: UserOverflow | null = null;
  private readonly index = new U64Table();
  private ids = new Int32Array(2 * 64);
  private counters = new Float64Array(PER_USER * 64);
  /** Accepted rows of each User: one left with none (only rejected or duplicate rows) is not reported. */
  private accepted = new Float64Array(64);
  private users = 0;
  private readonly cacheHi = new Int32Array(CACHE_MASK + 1);
  private readonly cacheLo = new Int32Array(CACHE_MASK + 1);
  private readonly cacheUser = new Int32Array(CACHE_MASK + 1).fill(-1);

  /** `limit`: Users registered beyond this many set `overflow` (they are still counted). */
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  /** The index of a User, registering it on first sight (on this `line`, for `overflow`). */
  user(hi: number, lo: number, line = 0): number {
    // A direct-mapped cache in front of the table: a file has a few dozen Users, so after the
    // first rows nearly every lookup is two comparisons instead of a hash and a probe.
    const slot = (hi ^ lo ^ (lo >>> 8)) & CACHE_MASK;
    if (this.cacheHi[slot] === hi && this.cacheLo[slot] === lo && this.cacheUser[slot]! >= 0) return this.cacheUser[slot]!;
    const user = this.lookup(hi, lo, line);
    this.cacheHi[slot] = hi;
    this.cacheLo[slot] = lo;
    this.cacheUser[slot] = user;
    return user;
  }

  private lookup(hi: number, lo: number, line: number): number {
    const found = this.index.putIfAbsent(hi, lo, this.users + 1);
    if (found !== 0) return found - 1;
    if (this.users === this.limit && this.overflow === null) this.overflow = { line, hi, lo };
    const user = this.users++;
    if (this.users > this.accepted.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const counters = new Float64Array(this.counters.length * 2);
      counters.set(this.counters);
      this.counters = counters;
      const accepted = new Float64Array(this.accepted.length * 2);
      accepted.set(this.accepted);
      this.accepted = accepted;
    }
    this.ids[2 * user] = hi;
    this.ids[2 * user + 1] = lo;
    return user;
  }

  exportState(): CountsTableState {
    const users = this.users;
    return {
      users,
      ids: this.ids.slice(0, 2 * users),
      counters: this.counters.slice(0, PER_USER * users),
      accepted: this.accepted.slice(0, users),
    };
  }

  /** Users registered so far. */
  get size(): number {
    return this.users;
  }

  /** How many Users this table would have after absorbing another's. */
  sizeWith(state: CountsTableState): number {
    let size = this.users;
    for (let other = 0; other < state.users; other++) {
      if (this.index.get(state.ids[2 * other]!, state.ids[2 * other + 1]!) === 0) size++;
    }
    return size;
  }

  /** Adds another table's counts; returns, for each of its Users, that User's index here. */
  absorb(state: CountsTableState): Int32Array {
    const remap = new Int32Array(state.users);
    for (let other = 0; other < state.users; other++) {
      // user() may grow the arrays, so they are read after it.
      const user = this.user(state.ids[2 * other]!, state.ids[2 * other + 1]!);
      remap[other] = user;
      for (let k = 0; k < PER_USER; k++) this.counters[user * PER_USER + k]! += state.counters[other * PER_USER + k]!;
      this.accepted[user]! += state.accepted[other]!;
    }
    return remap;
  }

  /** Counts one accepted row of the User: CATEGORY_NONE or a meterCategory(). */
  add(user: number, category: number): void {
    this.change(user, category, 1);
  }

  /** Takes back an add(), for a row found later to be a duplicate. */
  remove(user: number, category: number): void {
    this.change(user, category, -1);
  }

  private change(user: number, category: number, by: number): void {
    this.accepted[user]! += by;
    const base = user * PER_USER;
    const first = FIRST_COUNTER[category]!;
    if (first >= 0) this.counters[base + first]! += by;
    const second = SECOND_COUNTER[category]!;
    if (second >= 0) this.counters[base + second]! += by;
  }

  /** Counts keyed by normalised User ID, in ID order. */
  toRecord(): Record<string, UserCounts> {
    const entries: Array<[string, UserCounts]> = [];
    for (let user = 0; user < this.users; user++) {
      if (this.accepted[user] === 0) continue;
      const fuel = (f: number): FuelCounts => {
        const at = user * PER_USER + f * 4;
        const inScope = this.counters[at + IN_SCOPE]!;
        const completed = this.counters[at + COMPLETED]!;
        return {
          inScope,
          completed,
          invalid: this.counters[at + INVALID]!,
          outstanding: inScope - completed,
          newMissing: this.counters[at + NEW_MISSING]!,
        };
      };
      const id = formatEui64(this.ids[2 * user]!, this.ids[2 * user + 1]!);
      entries.push([id, { esme: fuel(FUEL_ESME), gsme: fuel(FUEL_GSME) }]);
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
  }
}
