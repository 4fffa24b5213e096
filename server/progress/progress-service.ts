// The progress service: loads snapshot counts and reference data from the database and hands them
// to the pure engine (computeProgress, SPEC §4). Every face — dashboard, API, CLI, PDF report —
// renders what this returns, so the same question always gets the same numbers.
import type { Knex } from 'knex';
import { listAllowances } from '../../db/queries/allowances.ts';
import { listDeadlines, type DeadlineEntry } from '../../db/queries/deadlines.ts';
import { listDccUsers } from '../../db/queries/dcc-users.ts';
import { readCountsUpTo, type StoredSnapshotCounts } from '../../db/queries/snapshot-counts.ts';
import { listSnapshotDates } from '../../db/queries/snapshots.ts';
import { ValidationError } from '../errors.ts';
import { isIsoDate, londonToday } from '../engine/calendar.ts';
import { computeProgress } from '../engine/compute-progress.ts';
import { deadlineOn } from '../engine/dated-facts.ts';
import { fuelCountsOf } from '../engine/fuel-counts.ts';
import { toProgressJson, type ProgressJson } from '../engine/progress-json.ts';
import type { AllowanceInput, DeclarationInput, ProgressInputs, ProgressResult, RegisterEntry, SnapshotInput, UserCounts } from '../engine/types.ts';
import { earliestFeasibleDeadline, whatIf, type EarliestFeasibleDeadline, type WhatIfResult } from '../engine/what-if.ts';
import { WorkingDays } from '../engine/working-days.ts';
import { declarationInputs } from '../programme/declarations.ts';
import { weekdayName } from '../programme/field-rules.ts';
import { holidayDates } from '../programme/holidays.ts';
import { loadSettings, type ProgrammeSettings } from '../programme/settings.ts';

/** Everything the engine needs but the date asked about, loaded once (one query a table). */
export interface ProgrammeData {
  /** Snapshot counts are loaded up to this date, so positions may be asked as of it or any earlier date. */
  upTo: string;
  settings: ProgrammeSettings;
  workingDays: WorkingDays;
  /** The deadline in force (the latest recorded), with who recorded it and why. */
  deadline: DeadlineEntry | null;
  /** Every deadline decision, in the order recorded: the deadline as it stood on a date comes from these. */
  deadlines: DeadlineEntry[];
  register: RegisterEntry[];
  snapshots: SnapshotInput[];
  declarations: DeclarationInput[];
  allowances: AllowanceInput[];
}

function snapshotInputs(dates: ReadonlyArray<{ id: number; asOf: string }>, stored: ReadonlyMap<number, StoredSnapshotCounts>): SnapshotInput[] {
  return dates.map((snapshot) => {
    const counts: Record<string, UserCounts> = {};
    for (const [userId, user] of Object.entries(stored.get(snapshot.id) ?? {}))
      counts[userId] = { esme: fuelCountsOf(user.esme), gsme: fuelCountsOf(user.gsme) };
    return { id: snapshot.id, asOf: snapshot.asOf, counts };
  });
}

/**
 * The register as the engine should see it: the Users SECAS has named. An unregistered User is in
 * the table only because the ingest met it in some snapshot; the engine lists (and flags) every
 * User of the snapshots that count up to t by itself, so one met only in a superseded upload, or
 * first met after t, is not listed as of t.
 */
function registerForEngine(users: ReadonlyArray<{ userId: string; name: string; registered: boolean }>): RegisterEntry[] {
  return users.filter((user) => user.registered).map(({ userId, name, registered }) => ({ userId, name, registered }));
}

/**
 * Loads the programme's data in one read transaction, so that the snapshot counts, the register,
 * declarations, allowances, holidays and settings are all as they stood at one moment.
 */
export async function loadProgrammeData(knex: Knex, upTo: string): Promise<ProgrammeData> {
  return knex.transaction(async (trx) => {
    const settings = await loadSettings(trx);
    const holidays = await holidayDates(trx);
    const deadlines = (await listDeadlines(trx)).reverse();
    const register = registerForEngine(await listDccUsers(trx));
    const snapshots = snapshotInputs(await listSnapshotDates(trx), await readCountsUpTo(trx, upTo));
    const declarations = await declarationInputs(trx);
    const allowances = (await listAllowances(trx)).map(({ userId, perDay, effectiveFrom, confirmedOn }) => ({ userId, perDay, effectiveFrom, confirmedOn }));
    const deadline = deadlines.at(-1) ?? null;
    return { upTo, settings, workingDays: new WorkingDays(holidays), deadline, deadlines, register, snapshots, declarations, allowances };
  });
}

/**
 * How positions are asked: by default with the deadline in force now; `factsOn` asks them with the
 * deadline as it stood at the end of that date (by its decided-on date), as a report made then
 * would have shown them. Declarations and allowances always count from their own dates.
 */
export interface PositionsOptions {
  factsOn?: string;
}

/** The engine's inputs for positions as of `askedAsOf` (what-if passes them on with another deadline). */
export function inputsAt(data: ProgrammeData, askedAsOf: string, options: PositionsOptions = {}): ProgressInputs {
  if (askedAsOf > data.upTo) throw new RangeError(`Positions as of ${askedAsOf} need data loaded up to it, not only up to ${data.upTo}`);
  const { implementationDate, notificationWindow, confirmationWindow, rateWindow, baselineSnapshotId } = data.settings;
  return {
    askedAsOf,
    settings: { implementationDate, notificationWindow, confirmationWindow, rateWindow, baselineSnapshotId },
    holidays: data.workingDays,
    deadline: (options.factsOn === undefined ? data.deadline : deadlineOn(data.deadlines, options.factsOn))?.deadline ?? null,
    register: data.register,
    snapshots: data.snapshots,
    declarations: data.declarations,
    allowances: data.allowances,
  };
}

/** Positions as of a date from data already loaded (e.g. a report's month and the month before). */
export function positionsAt(data: ProgrammeData, askedAsOf: string, options: PositionsOptions = {}): ProgressResult {
  return computeProgress(inputsAt(data, askedAsOf, options));
}

/**
 * The date positions are asked as of, from a query parameter or option: empty means today in
 * Europe/London; anything but a real 'YYYY-MM-DD' date is refused, naming the field.
 */
export function parseAsOf(raw: unknown, field = 'asOf'): string {
  if (raw === undefined || raw === null || raw === '') return londonToday();
  if (typeof raw === 'string' && isIsoDate(raw.trim())) return raw.trim();
  const message = `${field} must be a real date written YYYY-MM-DD (got ${JSON.stringify(raw)}).`;
  throw new ValidationError(message, [{ field, message }]);
}

/** Every User's position and the programme totals as of a date (SPEC §4.2: from the newest snapshot on or before it). */
export async function progressAsOf(knex: Knex, askedAsOf: string = londonToday()): Promise<ProgressResult> {
  return positionsAt(await loadProgrammeData(knex, askedAsOf), askedAsOf);
}

/** The `progress --json` object of SPEC §6.3, which GET /api/v1/progress also returns. */
export async function progressJsonAsOf(knex: Knex, askedAsOf: string = londonToday()): Promise<ProgressJson> {
  return toProgressJson(await progressAsOf(knex, askedAsOf));
}

/** A date as the deadline page describes it: its weekday, and whether it is a Working Day. */
export interface DayFacts {
  date: string;
  weekday: string;
  workingDay: boolean;
}

/** What the deadline page shows (SPEC §4.5). */
export interface DeadlinePlan {
  askedAsOf: string;
  deadline: DeadlineEntry | null;
  /** A deadline on a weekend or bank holiday is allowed; the page says so, since its last Working Day is the day before. */
  deadlineDay: DayFacts | null;
  proposedDay: DayFacts | null;
  /** Positions against the deadline in force. */
  positions: ProgressResult;
  /** Positions re-ranked against the proposed deadline, when one is given and a snapshot exists. */
  proposal: WhatIfResult | null;
  /** Null when there is no snapshot to plan from. */
  earliestFeasible: EarliestFeasibleDeadline | null;
}

/** A what-if asked of the plan: a deadline to try and, optionally, every allowance at `allowancePercent` hundredths of itself. */
export interface PlanOptions {
  askedAsOf: string;
  proposed: string | null;
  allowancePercent?: number | null;
}

export async function planDeadline(knex: Knex, options: Partial<PlanOptions> = {}): Promise<DeadlinePlan> {
  const askedAsOf = options.askedAsOf ?? londonToday();
  return planFrom(await loadProgrammeData(knex, askedAsOf), {
    askedAsOf,
    proposed: options.proposed ?? null,
    allowancePercent: options.allowancePercent ?? null,
  });
}

/** The plan from data already loaded; `positions`, when given, are those as of `askedAsOf` from the same data. */
export function planFrom(data: ProgrammeData, options: PlanOptions & { positions?: ProgressResult }): DeadlinePlan {
  const { askedAsOf } = options;
  const inputs = inputsAt(data, askedAsOf);
  const positions = options.positions ?? computeProgress(inputs);
  const current = positions.status === 'ok' ? positions : undefined;
  const allowancePercent = options.allowancePercent ?? undefined;
  const proposed = options.proposed ? whatIf(inputs, options.proposed, { allowancePercent, current }) : null;
  const dayFacts = (date: string | null | undefined): DayFacts | null =>
    date ? { date, weekday: weekdayName(date), workingDay: data.workingDays.isWorkingDay(date) } : null;
  return {
    askedAsOf,
    deadline: data.deadline,
    deadlineDay: dayFacts(data.deadline?.deadline),
    proposedDay: dayFacts(options.proposed),
    positions,
    proposal: proposed?.status === 'ok' ? proposed : null,
    earliestFeasible: positions.status === 'ok' ? earliestFeasibleDeadline(positions.users, positions.asOf, data.workingDays) : null,
  };
}
