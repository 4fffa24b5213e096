// Keeps the loaded programme data and computed positions while nothing has changed, so a busy
// dashboard computes each answer once. "Nothing changed" is the data version (db/queries/data-version.ts)
// read for the request asking, so every instance sees every change at once — less the changes
// that touch nothing positions are computed from, such as someone logging in.
import type { Knex } from 'knex';
import { auditActionsBetween } from '../../db/queries/data-version.ts';
import type { ProgressResult } from '../engine/types.ts';
import { loadProgrammeData, planFrom, positionsAt, type DeadlinePlan, type ProgrammeData } from './progress-service.ts';

const ALL_DATES = '9999-12-31';
const POSITIONS_KEPT = 32;
const PLANS_KEPT = 32;

/**
 * Audited actions that change nothing the progress engine reads: who may use the system, reports
 * stored, files refused or seen before, the enforcement trail. Every login is audited, so without this list each one
 * would make the next dashboard page load and compute every User's position again (at 10,000
 * Users, seconds). Anything not listed counts as a change.
 */
const OUTSIDE_PROGRAMME = new Set([
  'login',
  'login.failed',
  'login.throttled',
  'logout',
  // The enforcement trail is shown beside positions, never computed into them.
  'action.add',
  // Reports change no position; the dashboard's comparison with them is read when its page is made.
  'report.correct',
  'report.generate',
  'report.publish',
  'snapshot.import-duplicate',
  'snapshot.import-refused',
]);
const OUTSIDE_PROGRAMME_PREFIXES = ['account.', 'token.', 'notification.', 'webhook.'];

function outsideProgramme(action: string): boolean {
  return OUTSIDE_PROGRAMME.has(action) || OUTSIDE_PROGRAMME_PREFIXES.some((prefix) => action.startsWith(prefix));
}

/** Adds to a map that keeps at most `limit` entries, forgetting the oldest. */
function keep<T>(map: Map<string, T>, key: string, value: T, limit: number): T {
  if (map.size >= limit) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export class ProgressCache {
  private version: string | null = null;
  private data: Promise<ProgrammeData> | null = null;
  private readonly positions = new Map<string, ProgressResult>();
  private readonly plans = new Map<string, DeadlinePlan>();

  constructor(private readonly knex: Knex) {}

  /** The programme's data at `version` (loaded once per change). */
  async programme(version: string): Promise<ProgrammeData> {
    const kept = this.version;
    if (kept !== null && this.data && version !== kept) {
      const actions = await auditActionsBetween(this.knex, kept, version);
      // The data, positions and plans kept answer for the new version too, unless another version arrived meanwhile.
      if (actions !== null && actions.every(outsideProgramme) && this.version === kept) this.version = version;
    }
    if (version !== this.version || !this.data) {
      this.version = version;
      this.positions.clear();
      this.plans.clear();
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
    const positions = this.positions.get(askedAsOf) ?? keep(this.positions, askedAsOf, positionsAt(data, askedAsOf), POSITIONS_KEPT);
    return { data, positions, version };
  }

  /** The deadline page's plan (what-if for `proposed`, allowances scaled if asked), computed once per change: each page of its table is read from one. */
  async planAt(askedAsOf: string, proposed: string | null, version: string, allowancePercent: number | null = null): Promise<DeadlinePlan> {
    const { data, positions } = await this.positionsAt(askedAsOf, version);
    const key = `${askedAsOf} ${proposed ?? ''} ${allowancePercent ?? ''}`;
    const make = (): DeadlinePlan => planFrom(data, { askedAsOf, proposed, allowancePercent, positions });
    if (version !== this.version) return make();
    return this.plans.get(key) ?? keep(this.plans, key, make(), PLANS_KEPT);
  }
}
