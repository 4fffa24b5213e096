// Keeps the loaded programme data and computed positions while nothing has changed, so a busy
// dashboard computes each answer once. "Nothing changed" is read from the database on every call,
// so every instance sees every change at once: each change anyone makes is written to the audit log
// (SPEC §2) in its own transaction, and a new snapshot adds a row to snapshots.
import type { Knex } from 'knex';
import type { ProgressResult } from '../progress/types.ts';
import { loadProgrammeData, positionsAt, type ProgrammeData } from './progress-service.ts';

const ALL_DATES = '9999-12-31';
const POSITIONS_KEPT = 32;

/** One cheap query, asked on every call: both maxima come from their primary-key indexes. */
async function dataVersion(knex: Knex): Promise<string> {
  const row = (await knex
    .select(knex('audit_log').max('id').as('audit'), knex('snapshots').max('id').as('snapshots'))
    .first()) as { audit: number | string | null; snapshots: number | string | null } | undefined;
  return `${String(row?.audit ?? 0)}:${String(row?.snapshots ?? 0)}`;
}

export class ProgressCache {
  private version: string | null = null;
  private data: Promise<ProgrammeData> | null = null;
  private readonly positions = new Map<string, ProgressResult>();

  constructor(private readonly knex: Knex) {}

  /** The programme's data as it is now (loaded once per change). */
  async programme(): Promise<ProgrammeData> {
    const version = await dataVersion(this.knex);
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
  async positionsAt(askedAsOf: string): Promise<{ data: ProgrammeData; positions: ProgressResult; version: string }> {
    const data = await this.programme();
    const version = this.version ?? '';
    let positions = this.positions.get(askedAsOf);
    if (!positions) {
      positions = positionsAt(data, askedAsOf);
      if (this.positions.size >= POSITIONS_KEPT) this.positions.delete(this.positions.keys().next().value!);
      this.positions.set(askedAsOf, positions);
    }
    return { data, positions, version };
  }
}
