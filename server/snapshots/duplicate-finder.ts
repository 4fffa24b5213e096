// Duplicate device_id detection over tens of millions of rows in 16 bytes a row: rows are logged
// during the scan and duplicates are found at the end, one cache-sized hash partition at a time.
//
// Why not one big hash set probed row by row: at 10 M devices such a set is ~150 MB, and every
// probe of a new id is a cache and TLB miss — measured here at 80–120 ns a row, as much as all the
// parsing. Appending (id, line, count code) to one of 256 partitions chosen by the id's hash is a
// sequential write (a few ns), and a partition (~40 k ids at 10 M rows) is deduplicated in a hash
// table that stays in the CPU cache. Records are logged in file order, so within a partition the
// first record of an id is its first occurrence in the file: "first at line N" is exact.
// Memory: 16 bytes a logged row in 16 KiB blocks (no copying as it grows), plus at most one
// partially filled block per partition.
import { hash64, U64Table } from './u64-table.ts';

const PARTITION_BITS = 8;
const PARTITIONS = 1 << PARTITION_BITS;
const RECORD_WORDS = 4;
const BLOCK_WORDS = 1024 * RECORD_WORDS;
const NO_BLOCK = new Int32Array(0);

/** Told of each row whose device_id was seen on an earlier row. */
export type DuplicateVisitor = (hi: number, lo: number, line: number, code: number, firstLine: number) => void;

export class DuplicateFinder {
  private readonly blocks: Int32Array[][] = Array.from({ length: PARTITIONS }, () => []);
  private readonly tails: Int32Array[] = Array.from({ length: PARTITIONS }, () => NO_BLOCK);
  /** Words used in each partition's tail block. */
  private readonly used = new Int32Array(PARTITIONS).fill(BLOCK_WORDS);
  private readonly counts = new Int32Array(PARTITIONS);
  private rows = 0;

  /** Rows logged. */
  get size(): number {
    return this.rows;
  }

  /** Bytes held by the log. */
  get byteLength(): number {
    let blocks = 0;
    for (const list of this.blocks) blocks += list.length;
    return blocks * BLOCK_WORDS * 4;
  }

  /** Logs a row: its device_id halves, its line (non-zero) and a code the caller gets back for duplicates. */
  add(hi: number, lo: number, line: number, code: number): void {
    const partition = hash64(hi, lo) >>> (32 - PARTITION_BITS);
    let block = this.tails[partition]!;
    let at = this.used[partition]!;
    if (at === BLOCK_WORDS) {
      block = new Int32Array(BLOCK_WORDS);
      this.blocks[partition]!.push(block);
      this.tails[partition] = block;
      at = 0;
    }
    block[at] = hi;
    block[at + 1] = lo;
    block[at + 2] = line;
    block[at + 3] = code;
    this.used[partition] = at + RECORD_WORDS;
    this.counts[partition]!++;
    this.rows++;
  }

  /**
   * Calls visit for every logged row whose device_id was logged on an earlier line, with that
   * first line. Partition by partition, so not in file order. The log is kept (call it once).
   */
  forEachDuplicate(visit: DuplicateVisitor): void {
    const seen = new U64Table();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const count = this.counts[partition]!;
      if (count === 0) continue;
      seen.reset(count);
      const blocks = this.blocks[partition]!;
      for (let b = 0; b < blocks.length; b++) {
        const block = blocks[b]!;
        const end = b === blocks.length - 1 ? this.used[partition]! : BLOCK_WORDS;
        for (let at = 0; at < end; at += RECORD_WORDS) {
          const hi = block[at]!;
          const lo = block[at + 1]!;
          const line = block[at + 2]!;
          const first = seen.putIfAbsent(hi, lo, line);
          if (first !== 0) visit(hi, lo, line >>> 0, block[at + 3]!, first);
        }
      }
    }
  }
}
