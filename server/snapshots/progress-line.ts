// The one-line progress the CLI shows on a terminal while a snapshot imports: rows, megabytes and
// rate, and how far through the file when its size is known.

export interface ProgressFigures {
  rows: number;
  /** Bytes read as sent (compressed, for gzip). */
  bytes: number;
  /** The file's size, when known. */
  totalBytes: number | null;
  seconds: number;
}

const group = (n: number): string => Math.round(n).toLocaleString('en-GB');
const mb = (n: number): string => (n / 1e6).toFixed(1);

export function formatProgressLine(p: ProgressFigures): string {
  const rate = p.seconds > 0 ? p.bytes / 1e6 / p.seconds : 0;
  const rowRate = p.seconds > 0 ? p.rows / p.seconds : 0;
  const of = p.totalBytes !== null && p.totalBytes > 0 ? ` of ${mb(p.totalBytes)} MB (${Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes))} %)` : '';
  return `${group(p.rows)} rows, ${mb(p.bytes)} MB${of}, ${rate.toFixed(1)} MB/s, ${group(rowRate)} rows/s`;
}
