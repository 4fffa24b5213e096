// The demo programme as plain data, from a seed and a size: the Users of demo-cast.ts with their
// sizes and paces, the reference data SECAS and the DCC would record (MAP register, declarations,
// allowances, the deadline and its move), every device of the inventory with the snapshot from
// which it carries its MAP ID, and the files the DCC sends. Pure: no I/O, and the same inputs give
// the same programme, so tests can build one at a small size and check what the files say.
//
// Each User's backfill follows a curve (the share of its meters with a valid MAP ID at each
// snapshot) chosen by its pace; the planned counts are kept beside the devices so that what the
// ingest reads from the files can be checked against what was meant.
//
// The parts are planned in turn, each in a module of its own, drawing from one seeded random sequence
// in this order: the Users (plan-users.ts), their devices (plan-devices.ts), the files (plan-files.ts);
// demo-programme.ts is the shape of the result.
import { addDays, addMonths, lastDayOfMonth, monthOf } from '../engine/calendar.ts';
import type { WorkingDays } from '../engine/working-days.ts';
import { MAP_REGISTER } from './demo-map-register.ts';
import { SNAPSHOT_COUNT, SNAPSHOT_INTERVAL_DAYS, type DeadlineDecision, type DemoProgramme } from './demo-programme.ts';
import { planDevices } from './plan-devices.ts';
import { planFiles } from './plan-files.ts';
import { planUsers } from './plan-users.ts';
import { seededRandom } from './random.ts';

/** Pre-implementation meters to backfill, summed over Users, when no size is asked for. */
export const DEFAULT_METERS = 120_000;
/** Below this the smallest Users have too few meters for their paces to show. */
export const MIN_METERS = 2_000;
/** Above this a laptop takes minutes; the import itself is built for the whole SMI. */
export const MAX_METERS = 2_000_000;
export const DEFAULT_SEED = 20_180_628;

export interface ProgrammeOptions {
  meters: number;
  seed: number;
  /** The programme settings the files and the dates are made for (SPEC §3.3). */
  settings: { implementationDate: string; notificationWindow: number; confirmationWindow: number; maxRejectRatio: number };
  workingDays: WorkingDays;
}

export function validateMeters(meters: number): string | null {
  if (!Number.isInteger(meters) || meters < MIN_METERS || meters > MAX_METERS) {
    return `The demo’s size must be a whole number of meters from ${MIN_METERS.toLocaleString('en-GB')} to ${MAX_METERS.toLocaleString('en-GB')} (got ${String(meters)}).`;
  }
  return null;
}

export function generateProgramme(options: ProgrammeOptions): DemoProgramme {
  const problem = validateMeters(options.meters);
  if (problem) throw new RangeError(problem);
  const { workingDays: wd, settings } = options;
  const random = seededRandom(options.seed);
  const implementation = settings.implementationDate;
  const last = SNAPSHOT_COUNT - 1;
  const snapshotDates = Array.from({ length: SNAPSHOT_COUNT }, (_, k) => addDays(implementation, k * SNAPSHOT_INTERVAL_DAYS));
  const finalDate = snapshotDates[last]!;

  // The deadline: end of the 18 months, set at the start; moved six months on between the two
  // published reports, when the first showed how many Users could not make it.
  const reportMonths: [string, string] = [addMonths(monthOf(finalDate), -2), addMonths(monthOf(finalDate), -1)];
  const firstDeadline = lastDayOfMonth(monthOf(finalDate));
  const movedDeadline = lastDayOfMonth(addMonths(monthOf(finalDate), 6));
  const deadlines: [DeadlineDecision, DeadlineDecision] = [
    {
      deadline: firstDeadline,
      decidedOn: wd.addWd(implementation, 3),
      reason: 'Set by the Panel when SECMP0011 was implemented: every User to have backfilled its MAP IDs by the end of the 18 months the DCC planned for.',
    },
    {
      deadline: movedDeadline,
      decidedOn: wd.addWd(lastDayOfMonth(reportMonths[0]), 5),
      reason:
        'Moved by six months at the Panel’s meeting after the report for ' +
        `${reportMonths[0]}: several Users could not finish within their DCC allowance by the first deadline, and raising allowances would have risked the demand spikes they exist to prevent.`,
    },
  ];
  const wdToDeadline = wd.wdBetween(finalDate, movedDeadline);

  const { users, declarations, allowances, targets, invalidAt } = planUsers({
    meters: options.meters,
    settings,
    workingDays: wd,
    implementation,
    snapshotDates,
    wdToDeadline,
    random,
  });

  const devices = planDevices({ users, targets, invalidAt, snapshotDates, implementation, random, seed: options.seed });
  const rowsAt = snapshotDates.map(() => 0);
  for (let d = 0; d < devices.count; d++) rowsAt[devices.appearsAt[d]!]! += 1;
  for (let k = 1; k <= last; k++) rowsAt[k]! += rowsAt[k - 1]!;

  const files = planFiles({ snapshotDates, rowsAt, users, devices, random, maxRejectRatio: settings.maxRejectRatio });
  return {
    seed: options.seed,
    implementationDate: implementation,
    snapshotDates,
    users,
    mapRegister: [...MAP_REGISTER],
    declarations,
    allowances,
    deadlines,
    reportMonths,
    devices,
    rowsAt,
    files,
  };
}
