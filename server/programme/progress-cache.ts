// Keeps the loaded programme data and computed positions while nothing has changed, so a busy
// dashboard computes each answer once. "Nothing changed" is the data version (db/queries/data-version.ts)
// read for the request asking, so every instance sees every change at once.
import type { Knex } from 'knex';
import type { ProgressResult } from '../progress/types.ts';
import { loadProgrammeData, positionsAt, type ProgrammeData } from './progress-service.ts';

const ALL_DATES = '9999-12-31';
const POSITIONS_KEPT = 32;

export class ProgressCache {
  private version: string | null = null;
  private data: Promise<ProgrammeData> | null = null;
  private readonly positions = new Map<string, ProgressResult>();

  constructor(private readonly knex: Knex) {}

  /** The programme's data at `version` (loaded once per change). */
  programme(version: string): Promise<ProgrammeData> {
    if (version !== this.version || !this.data) {
      this.version = version;
      this.positions.clear();
      this.data = loadProgrammeData(this.knex, ALL_DATES);
      // A failed load must not be kept.
      this.data.catch(() => {
        if (this.version === version) this.version = null;
      });
    }
    return this.data;
  }

  /** Positions as of a date, computed once per change; `version` names the data they came from. */
  async positionsAt(askedAsOf: string, version: string): Promise<{ data: ProgrammeData; positions: ProgressResult; version: string }> {
    const data = await this.programme(version);
    // Another version arrived while this one loaded: answer, but keep nothing under the newer one.
    if (version !== this.version) return { data, positions: positionsAt(data, askedAsOf), version };
    let positions = this.positions.get(askedAsOf);
    if (!positions) {
      positions = positionsAt(data, askedAsOf);
      if (this.positions.size >= POSITIONS_KEPT) this.positions.delete(this.positions.keys().next().value!);
      this.positions.set(askedAsOf, positions);
    }
    return { data, positions, version };
  }
}
