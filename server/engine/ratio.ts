// Exact rates: MAP IDs per Working Day kept as a fraction of whole numbers, so that a projection
// needing exactly 33 Working Days never becomes 34 through floating-point rounding.

export interface Ratio {
  readonly numerator: bigint;
  /** Always positive. */
  readonly denominator: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduced(numerator: bigint, denominator: bigint): Ratio {
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator * sign) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

/** numerator / denominator, both whole numbers, denominator not 0. */
export function ratio(numerator: number, denominator: number): Ratio {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator === 0) {
    throw new RangeError(`A ratio needs whole numbers and a non-zero denominator: ${numerator}/${denominator}`);
  }
  return reduced(BigInt(numerator), BigInt(denominator));
}

/** The exact sum, or null when there is nothing to add. */
export function sumRatios(ratios: readonly Ratio[]): Ratio | null {
  if (ratios.length === 0) return null;
  return ratios.reduce((sum, r) => reduced(sum.numerator * r.denominator + r.numerator * sum.denominator, sum.denominator * r.denominator));
}

export function ratioToNumber(r: Ratio): number {
  return Number(r.numerator) / Number(r.denominator);
}

export function isPositive(r: Ratio): boolean {
  return r.numerator > 0n;
}

/** ceil(amount / rate): the whole number of Working Days that `amount` takes at `rate` (> 0) a day. */
export function daysToCover(amount: number, rate: Ratio): number {
  if (!isPositive(rate)) throw new RangeError('daysToCover needs a positive rate');
  if (!Number.isInteger(amount) || amount < 0) {
    throw new RangeError(`daysToCover needs a whole amount ≥ 0, not ${amount}`);
  }
  const dividend = BigInt(amount) * rate.denominator;
  return Number((dividend + rate.numerator - 1n) / rate.numerator);
}
