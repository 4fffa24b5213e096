// Adding up the counts of SPEC §3.2: a User's total is the sum of both fuels, the programme's the sum over Users.
import { FUELS } from './types.ts';
import type { FuelCounts, UserCounts } from './types.ts';

export function zeroFuelCounts(): FuelCounts {
  return { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 };
}

/** A User with no entry in a snapshot had no in-scope or new ESME/GSME devices in it. */
export function zeroUserCounts(): UserCounts {
  return { esme: zeroFuelCounts(), gsme: zeroFuelCounts() };
}

/** The stored counts of SPEC §3.2 with outstanding (inScope − completed) as §3.2 defines it. */
export function fuelCountsOf(stored: { inScope: number; completed: number; invalid: number; newMissing: number }): FuelCounts {
  return {
    inScope: stored.inScope,
    completed: stored.completed,
    invalid: stored.invalid,
    outstanding: stored.inScope - stored.completed,
    newMissing: stored.newMissing,
  };
}

export function addFuelCounts(a: FuelCounts, b: FuelCounts): FuelCounts {
  return {
    inScope: a.inScope + b.inScope,
    completed: a.completed + b.completed,
    invalid: a.invalid + b.invalid,
    outstanding: a.outstanding + b.outstanding,
    newMissing: a.newMissing + b.newMissing,
  };
}

export function addUserCounts(a: UserCounts, b: UserCounts): UserCounts {
  return { esme: addFuelCounts(a.esme, b.esme), gsme: addFuelCounts(a.gsme, b.gsme) };
}

export function totalOf(counts: UserCounts): FuelCounts {
  return FUELS.map((fuel) => counts[fuel]).reduce(addFuelCounts, zeroFuelCounts());
}

/** 100 × completed / inScope; 100 when nothing is in scope, since there is nothing left to do. */
export function completionPct(total: FuelCounts): number {
  return total.inScope === 0 ? 100 : (100 * total.completed) / total.inScope;
}
