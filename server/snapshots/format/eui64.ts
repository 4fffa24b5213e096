// EUI-64 identifiers (device and User IDs, SPEC §3.1): parse the accepted spellings straight from
// bytes into two 32-bit halves, so the snapshot scanner can dedupe and group without a string per row.

const SPACE = 32;
const LF = 10;
const CR = 13;
const COMMA = 44;
const DASH = 45;
const COLON = 58;

/** Hex digit value of each byte, -1 for anything else. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

/**
 * The byte value of every two-byte spelling of two hex digits, indexed by the two bytes as one
 * 16-bit number; -1 for anything else. One lookup a pair rather than two and a shift: the ids are
 * 32 of every row's 80 or so bytes. 128 KiB, of which a file's ids touch a few hundred entries.
 */
const PAIR_VALUE = new Int16Array(65536).fill(-1);
for (let a = 0; a < 256; a++) {
  if (HEX_VALUE[a]! < 0) continue;
  for (let b = 0; b < 256; b++) if (HEX_VALUE[b]! >= 0) PAIR_VALUE[(a << 8) | b] = (HEX_VALUE[a]! << 4) | HEX_VALUE[b]!;
}

const PAIR_TEXT = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/**
 * Parses bytes [start, end) as an EUI-64: 16 hex digits bare, or 8 pairs joined by one separator
 * kind (`-` or `:`), any case; surrounding spaces are ignored. On success writes the high and low
 * 32 bits (as int32) to out[at] and out[at + 1] and returns true; otherwise leaves out untouched.
 */
export function parseEui64Bytes(buf: Uint8Array, start: number, end: number, out: Int32Array, at: number): boolean {
  while (start < end && buf[start] === SPACE) start++;
  while (end > start && buf[end - 1] === SPACE) end--;
  if (end - start !== 23 && end - start !== 16) return false;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return end - start === 23 ? readPairs(buf, view, start, out, at) : readBare(view, start, out, at);
}

/**
 * The scanner's shortcut: an EUI-64 spelled exactly (no spaces) at pos and followed by `,`, CR or
 * LF within len. Returns the position of that delimiter, or -1, in which case the caller finds the
 * field's end and applies parseEui64Bytes, so both always agree. `view` is a DataView of the same
 * bytes as buf: each hex pair is read through it as one 16-bit number, half the loads of reading
 * them byte by byte.
 */
export function matchEui64View(buf: Uint8Array, view: DataView, pos: number, len: number, out: Int32Array, at: number): number {
  if (pos + 23 < len && isDelimiter(buf[pos + 23]!) && readPairs(buf, view, pos, out, at)) return pos + 23;
  if (pos + 16 < len && isDelimiter(buf[pos + 16]!) && readBare(view, pos, out, at)) return pos + 16;
  return -1;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === LF || c === CR;
}

// Straight-line code with one check at the end: ids are read on every row, and a loop with an
// early exit per digit costs about twice as much.

/** 8 hex pairs joined by one separator, `-` or `:`, in the 23 bytes at start. */
function readPairs(buf: Uint8Array, view: DataView, start: number, out: Int32Array, at: number): boolean {
  const sep = buf[start + 2]!;
  if (sep !== DASH && sep !== COLON) return false;
  const separators =
    (buf[start + 5]! ^ sep) |
    (buf[start + 8]! ^ sep) |
    (buf[start + 11]! ^ sep) |
    (buf[start + 14]! ^ sep) |
    (buf[start + 17]! ^ sep) |
    (buf[start + 20]! ^ sep);
  const p0 = PAIR_VALUE[view.getUint16(start)]!;
  const p1 = PAIR_VALUE[view.getUint16(start + 3)]!;
  const p2 = PAIR_VALUE[view.getUint16(start + 6)]!;
  const p3 = PAIR_VALUE[view.getUint16(start + 9)]!;
  const p4 = PAIR_VALUE[view.getUint16(start + 12)]!;
  const p5 = PAIR_VALUE[view.getUint16(start + 15)]!;
  const p6 = PAIR_VALUE[view.getUint16(start + 18)]!;
  const p7 = PAIR_VALUE[view.getUint16(start + 21)]!;
  if (separators !== 0 || (p0 | p1 | p2 | p3 | p4 | p5 | p6 | p7) < 0) return false;
  out[at] = (p0 << 24) | (p1 << 16) | (p2 << 8) | p3;
  out[at + 1] = (p4 << 24) | (p5 << 16) | (p6 << 8) | p7;
  return true;
}

/** 16 hex digits at start. */
function readBare(view: DataView, start: number, out: Int32Array, at: number): boolean {
  const p0 = PAIR_VALUE[view.getUint16(start)]!;
  const p1 = PAIR_VALUE[view.getUint16(start + 2)]!;
  const p2 = PAIR_VALUE[view.getUint16(start + 4)]!;
  const p3 = PAIR_VALUE[view.getUint16(start + 6)]!;
  const p4 = PAIR_VALUE[view.getUint16(start + 8)]!;
  const p5 = PAIR_VALUE[view.getUint16(start + 10)]!;
  const p6 = PAIR_VALUE[view.getUint16(start + 12)]!;
  const p7 = PAIR_VALUE[view.getUint16(start + 14)]!;
  if ((p0 | p1 | p2 | p3 | p4 | p5 | p6 | p7) < 0) return false;
  out[at] = (p0 << 24) | (p1 << 16) | (p2 << 8) | p3;
  out[at + 1] = (p4 << 24) | (p5 << 16) | (p6 << 8) | p7;
  return true;
}

/** The normalised spelling: upper-case pairs joined by `-`. Takes the halves as int32 or uint32. */
export function formatEui64(hi: number, lo: number): string {
  return [
    PAIR_TEXT[(hi >>> 24) & 255],
    PAIR_TEXT[(hi >>> 16) & 255],
    PAIR_TEXT[(hi >>> 8) & 255],
    PAIR_TEXT[hi & 255],
    PAIR_TEXT[(lo >>> 24) & 255],
    PAIR_TEXT[(lo >>> 16) & 255],
    PAIR_TEXT[(lo >>> 8) & 255],
    PAIR_TEXT[lo & 255],
  ].join('-');
}

/** Normalises a textual EUI-64 (same rules as parseEui64Bytes), or null when it is not one. */
export function normaliseEui64(text: string): string | null {
  const bytes = Buffer.from(text, 'utf8');
  const out = new Int32Array(2);
  return parseEui64Bytes(bytes, 0, bytes.length, out, 0) ? formatEui64(out[0]!, out[1]!) : null;
}
