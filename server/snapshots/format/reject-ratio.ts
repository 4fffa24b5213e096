// SPEC §3.1's acceptance rule — rejected rows at most max_reject_ratio of data rows — in exact
// decimal arithmetic, so that 29 rejected of 100 rows is within 0.29 (in floating point,
// 0.29 × 100 = 28.999999999999996).

/** True when `rejected` ≤ `ratio` × `rows`, exactly, for the decimal that `ratio` prints as. */
export function withinRejectRatio(rejected: number, rows: number, ratio: number): boolean {
  if (!(ratio >= 0)) throw new RangeError(`max_reject_ratio must be a number from 0 to 1 (got ${ratio})`);
  const [digits, scale] = decimalOf(ratio);
  return BigInt(rejected) * 10n ** BigInt(scale) <= digits * BigInt(rows);
}

/** A number as an integer and a power of ten, from its shortest spelling: 0.001 → [1n, 3], 1e-7 → [1n, 7]. */
function decimalOf(value: number): [bigint, number] {
  const [mantissa = '0', exponent = '0'] = String(value).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  let digits = BigInt(`${whole}${fraction}`);
  let scale = fraction.length - Number(exponent);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return [digits, scale];
}
