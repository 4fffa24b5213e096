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

/** A log as plain arrays, to hand from one thread to another (its blocks can be transferred). */
export interface DuplicateLogState {
  blocks: Int32Array[][];
  /** Words used in each block but each partition's last. */
  ends: number[][];
  /** Words used in each partition's last block. */
  used: Int32Array;
  counts: Int32Array;
  rows: number;
}

/** Told of each row whose device_id was seen on an earlier row. */
export type DuplicateVisitor = (hi: number, lo: number, line: number, code: number, firstLine: number) => void;

export class DuplicateFinder {
  private readonly blocks: Int32Array[][] = Array.from({ length: PARTITIONS }, () => []);
  /**
   * Words used in each block but the last of its partition: full, except where another log's blocks
   * were appended after a block that was not (see appendState).
   */
  private readonly ends: number[][] = Array.from({ length: PARTITIONS }, () => []);
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
    this.append(hash64(hi, lo) >>> (32 - PARTITION_BITS), hi, lo, line, code);
  }

  /** The log as plain arrays; this finder must not be used afterwards. */
  exportState(): DuplicateLogState {
    return { blocks: this.blocks, ends: this.ends, used: this.used, counts: this.counts, rows: this.rows };
  }

  /**
   * Appends another log, of rows that all come after this log's rows in the file: each line moved
   * by lineOffset and each code passed through recode. Partitions match (the same hash), and file
   * order within each partition is kept, so first occurrences stay first. The other log's blocks
   * are taken over, not copied (it must not be used afterwards).
   */
  appendState(state: DuplicateLogState, lineOffset: number, recode: (code: number) => number): void {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const theirs = state.blocks[partition]!;
      if (theirs.length === 0) continue;
      for (let b = 0; b < theirs.length; b++) {
        const block = theirs[b]!;
        const end = b === theirs.length - 1 ? state.used[partition]! : state.ends[partition]![b]!;
        for (let at = 0; at < end; at += RECORD_WORDS) {
          block[at + 2] = block[at + 2]! + lineOffset;
          block[at + 3] = recode(block[at + 3]!);
        }
      }
      const mine = this.blocks[partition]!;
      const ends = this.ends[partition]!;
      // This partition's last block, partly filled perhaps, now has blocks after it.
      if (mine.length > 0) ends[mine.length - 1] = this.used[partition]!;
      for (let b = 0; b < theirs.length - 1; b++) ends.push(state.ends[partition]![b]!);
      ends.push(0);
      mine.push(...theirs);
      this.tails[partition] = theirs[theirs.length - 1]!;
      this.used[partition] = state.used[partition]!;
      this.counts[partition]! += state.counts[partition]!;
    }
    this.rows += state.rows;
  }

  private append(partition: number, hi: number, lo: number, line: number, code: number): void {
    let block = this.tails[partition]!;
    let at = this.used[partition]!;
    if (at === BLOCK_WORDS) {
      block = new Int32Array(BLOCK_WORDS);
      const blocks = this.blocks[partition]!;
      if (blocks.length > 0) this.ends[partition]![blocks.length - 1] = BLOCK_WORDS;
      this.ends[partition]!.push(0);
      blocks.push(block);
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
        const end = b === blocks.length - 1 ? this.used[partition]! : this.ends[partition]![b]!;
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
