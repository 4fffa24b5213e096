// A compact hash table from 64-bit keys (two int32 halves) to non-zero 32-bit values, for the User
// lookup and for finding duplicate device_ids one partition at a time (duplicate-finder.ts).
//
// Open addressing with linear probing over one Int32Array of [hi, lo, value] triples: 12 bytes a
// slot, value 0 marks an empty slot, no object per key. Power-of-two capacity, at most half full.

const SLOT_WORDS = 3;
const MIN_CAPACITY = 16;

/** murmur3's finaliser over both halves: ids from one manufacturer differ only in a few low bits. */
export function hash64(hi: number, lo: number): number {
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ hi;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function capacityFor(keys: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < 2 * keys) capacity *= 2;
  return capacity;
}

export class U64Table {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 0) {
    const capacity = capacityFor(expected);
    this.slots = new Int32Array(capacity * SLOT_WORDS);
    this.mask = capacity - 1;
  }

  /** Keys stored. */
  get size(): number {
    return this.count;
  }

  /** Empties the table, sized for the keys expected next; reuses its memory when large enough. */
  reset(expected: number): void {
    const capacity = capacityFor(expected);
    if (capacity * SLOT_WORDS > this.slots.length) this.slots = new Int32Array(capacity * SLOT_WORDS);
    else this.slots.fill(0, 0, capacity * SLOT_WORDS);
    this.mask = capacity - 1;
    this.count = 0;
  }

  /**
   * Stores value (non-zero) under (hi, lo) unless the key is present. Returns 0 when it stored
   * it, else the value already stored: "insert" and "since which line was it there" in one probe.
   */
  putIfAbsent(hi: number, lo: number, value: number): number {
    if (2 * (this.count + 1) > this.mask + 1) this.grow();
    const slots = this.slots;
    const mask = this.mask;
    hi |= 0;
    lo |= 0;
    let slot = hash64(hi, lo) & mask;
    for (;;) {
      const i = slot * SLOT_WORDS;
      const stored = slots[i + 2]!;
      if (stored === 0) {
        slots[i] = hi;
        slots[i + 1] = lo;
        slots[i + 2] = value;
        this.count++;
        return 0;
      }
      if (slots[i] === hi && slots[i + 1] === lo) return stored >>> 0;
      slot = (slot + 1) & mask;
    }
  }

  /** The value stored under (hi, lo), or 0 when the key is absent. */
  get(hi: number, lo: number): number {
    const slots = this.slots;
    const mask = this.mask;
    hi |= 0;
    lo |= 0;
    for (let slot = hash64(hi, lo) & mask; ; slot = (slot + 1) & mask) {
      const i = slot * SLOT_WORDS;
      const stored = slots[i + 2]!;
      if (stored === 0) return 0;
      if (slots[i] === hi && slots[i + 1] === lo) return stored >>> 0;
    }
  }

  private grow(): void {
    const old = this.slots;
    const capacity = 2 * (this.mask + 1);
    this.slots = new Int32Array(capacity * SLOT_WORDS);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += SLOT_WORDS) {
      const value = old[i + 2]!;
      if (value !== 0) this.putIfAbsent(old[i]!, old[i + 1]!, value);
    }
  }
}
