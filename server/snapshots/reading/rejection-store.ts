// Every rejected row of an import, however many: the first ones (by line) in memory, for messages
// and small files, the rest in a spill file beside the archive's temporary copy. An accepted
// snapshot keeps all its rejected rows (SPEC §3.1), and a configurable reject ratio means there is
// no safe bound on how many that is. Every row is also counted by reason as it comes, so the
// groups cover all of them whichever are kept.
import { appendFileSync, createReadStream, unlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RejectionTally, type RejectionGroup } from '../format/rejection-groups.ts';
import type { Rejection } from '../format/scan-types.ts';

/** snapshot_rejections.reason is VARCHAR(500). */
export const MAX_REASON_CHARACTERS = 500;

export class RejectionStore {
  private memory: Rejection[] = [];
  private spilled = 0;
  private total = 0;
  private readonly tally = new RejectionTally();

  /** `keep`: how many stay in memory, the first by line; the rest go to `spillPath` (created when needed). */
  constructor(
    private readonly spillPath: string,
    private readonly keep = 10_000,
  ) {}

  get count(): number {
    return this.total;
  }

  add(line: number, reason: string): void {
    this.total++;
    // Read before it is cut to the column's size, which could split a quoted value.
    this.tally.add(line, reason);
    this.memory.push({ line, reason: fitReason(reason) });
    // Trimming at twice the size keeps the cost per row constant; what is trimmed has larger lines
    // than all that stays, so memory always holds the first `keep` rows by line.
    if (this.memory.length >= 2 * this.keep + 1024) this.trim();
  }

  /** Every row so far, counted by reason (rejection-groups.ts). */
  groups(): RejectionGroup[] {
    return this.tally.groups();
  }

  /** The first rows by line, up to `keep`. */
  first(): Rejection[] {
    this.trim();
    return this.memory.slice();
  }

  /** Every row, in batches, memory first; order within and across batches is not by line. */
  async *batches(size: number): AsyncGenerator<Rejection[]> {
    for (let i = 0; i < this.memory.length; i += size) yield this.memory.slice(i, i + size);
    if (this.spilled === 0) return;
    const lines = createInterface({ input: createReadStream(this.spillPath, 'utf8'), crlfDelay: Infinity });
    let batch: Rejection[] = [];
    for await (const text of lines) {
      if (text === '') continue;
      const [line, reason] = JSON.parse(text) as [number, string];
      batch.push({ line, reason });
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** Removes the spill file. */
  dispose(): void {
    if (this.spilled > 0) {
      try {
        unlinkSync(this.spillPath);
      } catch {
        // already gone
      }
    }
    this.memory = [];
  }

  private trim(): void {
    this.memory.sort((a, b) => a.line - b.line);
    if (this.memory.length <= this.keep) return;
    const moved = this.memory.splice(this.keep);
    appendFileSync(this.spillPath, moved.map((r) => `${JSON.stringify([r.line, r.reason])}\n`).join(''));
    this.spilled += moved.length;
  }
}

/** Cuts a reason to what the column holds, on a character (not UTF-16 unit) boundary. */
export function fitReason(reason: string): string {
  const characters = [...reason];
  return characters.length <= MAX_REASON_CHARACTERS ? reason : `${characters.slice(0, MAX_REASON_CHARACTERS - 1).join('')}…`;
}
