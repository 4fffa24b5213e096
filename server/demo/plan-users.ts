// The demo programme's Users as plain data: the cast of demo-cast.ts given IDs and sizes, the
// curve each one's backfill follows by its pace, its declarations and the allowances the DCC
// confirms. Draws from the programme's random sequence in a fixed order, so a seed gives one plan.
import type { WorkingDays } from '../engine/working-days.ts';
import { CAST, type Pace, type Trait } from './demo-cast.ts';
import type { AllowancePlan, DeclarationPlan, DemoUser } from './demo-programme.ts';
import { spellEui64 } from './plan-devices.ts';
import type { Random } from './random.ts';

/** Zipf exponent of the Users' sizes: the largest has about a quarter of the meters. */
const SIZE_SKEW = 1.1;

/** An allowance as the DCC would round it: whole numbers, in fives or tens once they are large. */
export function roundAllowanceUp(value: number): number {
  if (value <= 20) return Math.max(1, Math.ceil(value));
  const step = value <= 200 ? 5 : value <= 2000 ? 10 : 50;
  return Math.ceil(value / step) * step;
}

/** Sizes by rank, Zipf-like, summing to about `meters`; every User has some. */
function userSizes(meters: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, i) => 1 / (i + 1) ** SIZE_SKEW);
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => Math.max(10, Math.round((meters * w) / total)));
}

function uniqueUserIds(random: Random, count: number): string[] {
  const ids = new Set<string>();
  while (ids.size < count) {
    // A unicast, globally administered EUI-64: the first byte even.
    const bytes = Array.from({ length: 8 }, () => random.int(0, 255));
    bytes[0] = bytes[0]! & 0xfe;
    ids.add(spellEui64(bytes, 'dash'));
  }
  return [...ids];
}

interface Timing {
  /** Index of the first snapshot that shows progress (the first after the allowance took effect). */
  start: number;
  first: { receivedOn: string; count: number } | null;
  correction: { receivedOn: string; count: number } | null;
  confirmedOn: string | null;
  effectiveFrom: string | null;
}

/** The share of a User's meters backfilled at each snapshot, by its pace. */
function paceCurve(pace: Pace, traits: readonly Trait[], start: number, last: number, random: Random): number[] {
  const linear = (share: number, from: number, to: number) => (k: number) => (k < from ? 0 : share * Math.min(1, (k - from + 1) / (to - from + 1)));
  let at: (k: number) => number;
  if (pace === 'finishes' && traits.includes('bursts')) {
    // Steady to 55 %, then the rest in one fortnight: far more than its allowance.
    const finish = Math.max(start + 12, random.int(18, 26));
    at = (k) => (k >= finish ? 1 : linear(0.55, start, finish - 1)(k));
  } else if (pace === 'finishes') {
    at = linear(1, start, Math.max(start + 10, random.int(14, last - 3)));
  } else if (pace === 'on-track') {
    at = linear(random.between(0.8, 0.93), start, last);
  } else if (pace === 'slow') {
    at = linear(random.between(0.42, 0.58), start, last);
  } else if (pace === 'stalls') {
    at = linear(random.between(0.28, 0.45), start, random.int(last - 12, last - 5));
  } else {
    at = linear(random.between(0.18, 0.3), start, last);
  }
  return Array.from({ length: last + 1 }, (_, k) => at(k));
}

export interface UserInputs {
  meters: number;
  settings: { notificationWindow: number; confirmationWindow: number };
  workingDays: WorkingDays;
  implementation: string;
  snapshotDates: string[];
  /** Working days from the last snapshot to the deadline in force at the end. */
  wdToDeadline: number;
  random: Random;
}

export interface UserPlan {
  users: DemoUser[];
  declarations: DeclarationPlan[];
  allowances: AllowancePlan[];
  /** Per User, at each snapshot: its meters with a valid MAP ID. */
  targets: number[][];
  /** Per User: the snapshot from which each of its meters with an invalid MAP ID carries it, in order. */
  invalidAt: number[][];
}

export function planUsers({ meters: totalMeters, settings, workingDays: wd, implementation, snapshotDates, wdToDeadline, random }: UserInputs): UserPlan {
  const last = snapshotDates.length - 1;
  const ids = uniqueUserIds(random, CAST.length);
  const sizes = userSizes(totalMeters, CAST.length);
  const notificationDue = wd.addWd(implementation, settings.notificationWindow);

  // Dates first: a User starts sending Update Inventory requests once its allowance is in force.
  const timings: Timing[] = CAST.map((member, i) => {
    const meters = sizes[i]!;
    if (member.traits.includes('no-declaration')) return { start: 3, first: null, correction: null, confirmedOn: null, effectiveFrom: null };
    const late = member.traits.includes('late-declaration');
    const receivedOn = wd.addWd(
      implementation,
      late ? random.int(settings.notificationWindow + 3, settings.notificationWindow + 25) : random.int(1, settings.notificationWindow),
    );
    // Within 3 % of the meters, rounded towards them so that a small User stays within 5 %.
    let count = meters + Math.trunc(meters * random.between(-0.03, 0.03));
    if (member.traits.includes('mismatched-declaration')) count = Math.round(meters * 0.84);
    let correction: Timing['correction'] = null;
    if (member.traits.includes('corrected-declaration')) {
      correction = { receivedOn: wd.addWd(notificationDue, 15), count: meters + Math.trunc(meters * 0.01) };
      count = Math.round(meters * 0.7);
    }
    const window = settings.confirmationWindow;
    const confirmedOn = wd.addWd(receivedOn, member.traits.includes('late-confirmation') ? random.int(window + 4, window + 15) : random.int(1, window));
    const effectiveFrom = wd.addWd(confirmedOn, random.int(1, 3));
    const after = snapshotDates.findIndex((date) => date > effectiveFrom);
    return { start: after === -1 ? last : after, first: { receivedOn, count }, correction, confirmedOn, effectiveFrom };
  });

  const users: DemoUser[] = [];
  const declarations: DeclarationPlan[] = [];
  const allowances: AllowancePlan[] = [];
  const targets: number[][] = [];
  const invalidAt: number[][] = [];
  CAST.forEach((member, i) => {
    const userId = ids[i]!;
    const meters = sizes[i]!;
    const timing = timings[i]!;
    const invalidCount = member.traits.includes('invalid-map-ids') ? Math.max(2, Math.round(meters * 0.004)) : 0;
    const curve = paceCurve(member.pace, member.traits, timing.start, last, random);
    const target = curve.map((share) => Math.round((meters - invalidCount) * share));
    targets.push(target);
    const invalidFrom = Array.from({ length: invalidCount }, () => random.int(6, 30)).sort((a, b) => a - b);
    invalidAt.push(invalidFrom);
    users.push({
      userId,
      name: member.name,
      shortName: member.shortName,
      pace: member.pace,
      traits: member.traits,
      meters,
      completed: target,
      invalid: snapshotDates.map((_, k) => invalidFrom.filter((from) => from <= k).length),
      newMissing: [],
    });
    if (timing.first) declarations.push({ userId, ...timing.first });
    if (timing.correction) declarations.push({ userId, ...timing.correction });
    if (timing.confirmedOn && timing.effectiveFrom) {
      // Enough for the fastest fortnight and for what is left at the end, with a margin: except for
      // the User whose allowance is too small, and the one that bursts through it.
      const burst = member.traits.includes('bursts') ? target.findIndex((v) => v === meters - invalidCount) : -1;
      let peak = 0;
      for (let k = 1; k <= last; k++) {
        if (k === burst) continue;
        peak = Math.max(peak, (target[k]! - target[k - 1]!) / wd.wdBetween(snapshotDates[k - 1]!, snapshotDates[k]!));
      }
      const required = (meters - target[last]!) / wdToDeadline;
      const perDay = roundAllowanceUp(1.3 * (member.pace === 'short-allowance' ? peak : Math.max(peak, required)));
      allowances.push({ userId, perDay, effectiveFrom: timing.effectiveFrom, confirmedOn: timing.confirmedOn });
      if (member.traits.includes('raised-allowance')) {
        const confirmedOn = wd.addWd(snapshotDates[18]!, 1);
        allowances.push({ userId, perDay: roundAllowanceUp(perDay * 1.5), effectiveFrom: wd.addWd(confirmedOn, 2), confirmedOn });
      }
    }
  });
  return { users, declarations, allowances, targets, invalidAt };
}
