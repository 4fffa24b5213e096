// A seeded pseudo-random sequence for the demo programme, so that the same seed always builds the
// same files, byte for byte, on every machine.

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number from min to max, both included. */
  int(min: number, max: number): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
  /** One of the items. */
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, and good enough to make data look unplanned. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick needs at least one item');
      return items[Math.floor(next() * items.length)]!;
    },
  };
}

/** Picks from weighted choices with one random number each time. */
export function weightedPicker<T>(choices: ReadonlyArray<readonly [T, number]>): (random: Random) => T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let sum = 0;
  const table = choices.map(([value, weight]) => {
    sum += weight / total;
    return [value, sum] as const;
  });
  return (random) => {
    const r = random.next();
    for (const [value, upTo] of table) if (r < upTo) return value;
    return table[table.length - 1]![0];
  };
}
