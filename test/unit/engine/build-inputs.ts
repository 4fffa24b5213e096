// Small builders for progress-engine tests: counts, snapshots and inputs with the spec's defaults.
import assert from 'node:assert/strict';
import { shippedBankHolidays } from '../../../server/engine/bank-holidays.ts';
import { WorkingDays } from '../../../server/engine/working-days.ts';
import type { FuelCounts, ProgressAvailable, ProgressInputs, ProgressResult, SnapshotInput, UserCounts, UserPosition } from '../../../server/engine/types.ts';

export const HOLIDAYS = shippedBankHolidays().map((holiday) => holiday.date);
export const WORKING_DAYS = new WorkingDays(HOLIDAYS);

export const ALPHA = '90-B3-D5-1F-30-01-00-0A';
export const BETA = '90-B3-D5-1F-30-01-00-0B';
export const GAMMA = '90-B3-D5-1F-30-01-00-0C';

/** One fuel's counts; outstanding follows from inScope − completed as in SPEC §3.2. */
export function fuel(inScope: number, completed: number, extra: { invalid?: number; newMissing?: number } = {}): FuelCounts {
  return { inScope, completed, invalid: extra.invalid ?? 0, outstanding: inScope - completed, newMissing: extra.newMissing ?? 0 };
}

/** A User with `inScope` ESME devices of which `completed` have a valid MAP ID, and no GSME. */
export function esmeOnly(inScope: number, completed: number, extra: { invalid?: number; newMissing?: number } = {}): UserCounts {
  return { esme: fuel(inScope, completed, extra), gsme: fuel(0, 0) };
}

export function snapshot(id: number, asOf: string, counts: Record<string, UserCounts>): SnapshotInput {
  return { id, asOf, counts };
}

/** Inputs with the default settings of SPEC §3.3, no deadline and nothing recorded. */
export function buildInputs(overrides: Partial<ProgressInputs> = {}): ProgressInputs {
  return {
    askedAsOf: '2019-12-31',
    settings: { implementationDate: '2018-06-28', notificationWindow: 5, confirmationWindow: 5, rateWindow: 10 },
    holidays: WORKING_DAYS,
    deadline: null,
    register: [
      { userId: ALPHA, name: 'Alpha Energy', registered: true },
      { userId: BETA, name: 'Beta Gas & Power', registered: true },
    ],
    snapshots: [],
    declarations: [],
    allowances: [],
    ...overrides,
  };
}

export function available(result: ProgressResult): ProgressAvailable {
  if (result.status !== 'ok') assert.fail(`expected positions, got: ${result.message}`);
  return result;
}

export function userIn(result: ProgressResult, userId: string): UserPosition {
  const user = available(result).users.find((position) => position.userId === userId);
  assert.ok(user, `no position for ${userId}`);
  return user;
}
