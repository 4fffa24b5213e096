// computeProgress: every User's position and the programme totals as of a date (SPEC §4.2–4.4),
// computed once from plain data so that the dashboard, API, CLI and PDF all show the same numbers.
import { toDayNumber } from './calendar.ts';
import { allowanceInForce, declarationAt, firstConfirmationBy } from './dated-facts.ts';
import { complianceFlags, exceededAllowance, windowEnd } from './flags.ts';
import { addUserCounts, completionPct, totalOf, zeroUserCounts } from './fuel-counts.ts';
import { deadlineTrajectory, outstandingPoint, trajectoryFrame } from './history.ts';
import type { TrajectoryFrame } from './history.ts';
import { measureActualRate, projectCompletion, requiredRate, wdRemaining } from './metrics.ts';
import type { Observation } from './metrics.ts';
import { ragStatus } from './rag.ts';
import { ratioToNumber, sumRatios } from './ratio.ts';
import type { Ratio } from './ratio.ts';
import { chooseBaselineSnapshot, effectiveSnapshots, snapshotsUpTo } from './timeline.ts';
import { COMPLIANCE_FLAGS } from './types.ts';
import type {
  AllowanceInput,
  ComplianceFlag,
  DeclarationInput,
  OutstandingPoint,
  PositionFigures,
  ProgrammePosition,
  ProgressInputs,
  ProgressResult,
  ProgressSettings,
  Rag,
  RegisterEntry,
  SnapshotInput,
  UserCounts,
  UserPosition,
} from './types.ts';
import { WorkingDays } from './working-days.ts';

export function toWorkingDays(holidays: readonly string[] | WorkingDays): WorkingDays {
  return holidays instanceof WorkingDays ? holidays : new WorkingDays(holidays);
}

/** What is the same for every User at snapshot S. */
interface Moment {
  t: string;
  current: SnapshotInput;
  /** Snapshots that count, up to and including S. */
  upTo: SnapshotInput[];
  /** Those of them on or after the baseline snapshot: the ones rates and ALLOWANCE_EXCEEDED use. */
  forRates: SnapshotInput[];
  deadline: string | null;
  wdRemaining: number | null;
  frame: TrajectoryFrame | null;
  notificationDue: string;
  settings: ProgressSettings;
  workingDays: WorkingDays;
}

/** A User's counts in a snapshot, or undefined when it does not appear in it. */
function countsIn(snapshot: SnapshotInput, userId: string): UserCounts | undefined {
  return Object.hasOwn(snapshot.counts, userId) ? snapshot.counts[userId] : undefined;
}

function groupByUser<T extends { userId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.userId);
    if (group) group.push(item);
    else groups.set(item.userId, [item]);
  }
  return groups;
}

/**
 * Every registered User, and every User ID seen in a snapshot up to t — one missing from the
 * register is named by its ID and flagged, never dropped (SPEC §3.3). Sorted by User ID.
 */
function usersAt(register: readonly RegisterEntry[], upTo: readonly SnapshotInput[]): RegisterEntry[] {
  const users = new Map(register.map((entry) => [entry.userId, entry]));
  for (const snapshot of upTo) {
    for (const userId of Object.keys(snapshot.counts)) {
      if (!users.has(userId)) users.set(userId, { userId, name: userId, registered: false });
    }
  }
  return [...users.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** The figures of §4.2 that follow from counts, baseline, rate and the moment — for a User or the programme. */
function positionFigures(
  counts: UserCounts,
  facts: { baseline: number | null; declared: number | null; allowance: number | null; rate: Ratio | null },
  history: OutstandingPoint[],
  moment: Moment,
): PositionFigures {
  const total = totalOf(counts);
  return {
    esme: counts.esme,
    gsme: counts.gsme,
    total,
    completionPct: completionPct(total),
    baseline: facts.baseline,
    declared: facts.declared,
    allowance: facts.allowance,
    actualRate: facts.rate === null ? null : ratioToNumber(facts.rate),
    requiredRate: requiredRate(total.outstanding, moment.wdRemaining),
    wdRemaining: moment.wdRemaining,
    projectedCompletion: projectCompletion(moment.t, total.outstanding, facts.rate, moment.workingDays),
    history,
    trajectory: deadlineTrajectory(facts.baseline, moment.frame, moment.workingDays),
  };
}

/**
 * The User's outstanding from its first appearance on. Absent from a later snapshot, it had no
 * in-scope devices there (a snapshot is the whole SMI), so the point is zero; before its first
 * appearance there is nothing to draw.
 */
function userHistory(userId: string, upTo: readonly SnapshotInput[]): OutstandingPoint[] {
  const first = upTo.findIndex((snapshot) => countsIn(snapshot, userId) !== undefined);
  if (first < 0) return [];
  return upTo.slice(first).map((snapshot) => outstandingPoint(snapshot, countsIn(snapshot, userId) ?? zeroUserCounts()));
}

interface UserResult {
  position: UserPosition;
  /** Kept exact so that the programme's rate is an exact sum. */
  rate: Ratio | null;
}

function userPosition(user: RegisterEntry, declarations: readonly DeclarationInput[], allowances: readonly AllowanceInput[], moment: Moment): UserResult {
  const { t, workingDays, settings } = moment;
  const counts = countsIn(moment.current, user.userId) ?? zeroUserCounts();
  const outstanding = totalOf(counts).outstanding;

  const observations: Observation[] = moment.forRates.flatMap((snapshot) => {
    const seen = countsIn(snapshot, user.userId);
    return seen ? [{ snapshotId: snapshot.id, asOf: snapshot.asOf, total: totalOf(seen) }] : [];
  });
  // The baseline snapshot is the first of forRates, so a User absent from it takes its first appearance.
  const baseline = observations[0]?.total.outstanding ?? null;
  const measured = measureActualRate(observations, t, outstanding, settings.rateWindow, workingDays);
  const declaration = declarationAt(declarations, t);
  const allowance = allowanceInForce(allowances, t);

  const figures = positionFigures(
    counts,
    { baseline, declared: declaration?.count ?? null, allowance, rate: measured?.rate ?? null },
    userHistory(user.userId, moment.upTo),
    moment,
  );
  const { rag, reason } = ragStatus({ ...figures, outstanding, deadline: moment.deadline });
  const allowanceOn = (date: string): number | null => allowanceInForce(allowances, date);
  const flags = complianceFlags(
    {
      t,
      registered: user.registered,
      baseline,
      total: figures.total,
      declaration,
      firstConfirmedOn: firstConfirmationBy(allowances, t),
      notificationDue: moment.notificationDue,
      confirmationWindow: settings.confirmationWindow,
      allowanceExceeded: exceededAllowance(observations, allowanceOn, workingDays),
    },
    workingDays,
  );

  const rateMeasuredFrom = measured ? { id: measured.from.snapshotId, asOf: measured.from.asOf } : null;
  return {
    position: {
      userId: user.userId,
      name: user.name,
      registered: user.registered,
      ...figures,
      rateMeasuredFrom,
      rag,
      reason,
      flags,
    },
    rate: measured?.rate ?? null,
  };
}

/** The sum of the values that are set, or null when none is. */
function sumOfSet(values: ReadonlyArray<number | null>): number | null {
  const set = values.filter((value): value is number => value !== null);
  return set.length === 0 ? null : set.reduce((a, b) => a + b, 0);
}

/**
 * Programme totals are the sums over Users (SPEC §3.2), rates included, so that every column of
 * the User table adds up to its total row; the projection uses the summed rate.
 */
function programmePosition(results: readonly UserResult[], moment: Moment): ProgrammePosition {
  const users = results.map((result) => result.position);
  const counts = users.reduce<UserCounts>((sum, user) => addUserCounts(sum, user), zeroUserCounts());
  const history = moment.upTo.map((snapshot) => outstandingPoint(snapshot, Object.values(snapshot.counts).reduce(addUserCounts, zeroUserCounts())));
  const figures = positionFigures(
    counts,
    {
      baseline: sumOfSet(users.map((user) => user.baseline)),
      declared: sumOfSet(users.map((user) => user.declared)),
      allowance: sumOfSet(users.map((user) => user.allowance)),
      rate: sumRatios(results.flatMap((result) => (result.rate ? [result.rate] : []))),
    },
    history,
    moment,
  );

  const ragCounts: Record<Rag, number> = { RED: 0, AMBER: 0, GREEN: 0 };
  for (const user of users) ragCounts[user.rag] += 1;
  const flagCounts = Object.fromEntries(COMPLIANCE_FLAGS.map((flag) => [flag, users.filter((user) => user.flags.includes(flag)).length])) as Record<
    ComplianceFlag,
    number
  >;
  return { ...figures, ragCounts, flagCounts };
}

/**
 * Dates are compared as 'YYYY-MM-DD' strings throughout, which is only right for real dates in
 * that form, so a malformed one fails here, naming itself, rather than giving quietly wrong numbers.
 */
function assertDates(inputs: ProgressInputs): void {
  const dates = [
    inputs.askedAsOf,
    inputs.settings.implementationDate,
    ...(inputs.deadline === null ? [] : [inputs.deadline]),
    ...inputs.snapshots.map((snapshot) => snapshot.asOf),
    ...inputs.declarations.map((declaration) => declaration.receivedOn),
    ...inputs.allowances.flatMap((allowance) => [allowance.effectiveFrom, allowance.confirmedOn]),
  ];
  for (const date of dates) toDayNumber(date);
}

/**
 * Positions as of `inputs.askedAsOf`: from the newest snapshot on or before it (its date is t).
 * With no such snapshot the result says so (status 'no-snapshot') instead of failing.
 * Throws RangeError for any input date that is not a real 'YYYY-MM-DD' date.
 */
export function computeProgress(inputs: ProgressInputs): ProgressResult {
  assertDates(inputs);
  const { askedAsOf, deadline, settings } = inputs;

  const effective = effectiveSnapshots(inputs.snapshots);
  const upTo = snapshotsUpTo(effective, askedAsOf);
  const current = upTo.at(-1);
  if (!current) {
    return {
      status: 'no-snapshot',
      askedAsOf,
      deadline,
      message: `There is no snapshot with an as-of date on or before ${askedAsOf}.`,
    };
  }

  const t = current.asOf;
  const workingDays = toWorkingDays(inputs.holidays);
  const choice = chooseBaselineSnapshot(effective, inputs.snapshots, settings);
  // A baseline snapshot later than t was not known at t, so positions at t have no baseline yet.
  const baselineSnapshot = choice.snapshot !== null && choice.snapshot.asOf <= t ? choice.snapshot : null;
  const moment: Moment = {
    t,
    current,
    upTo,
    forRates: baselineSnapshot ? upTo.filter((snapshot) => snapshot.asOf >= baselineSnapshot.asOf) : [],
    deadline,
    wdRemaining: wdRemaining(t, deadline, workingDays),
    frame: trajectoryFrame(
      baselineSnapshot?.asOf ?? null,
      deadline,
      upTo.map((snapshot) => snapshot.asOf),
      workingDays,
    ),
    notificationDue: windowEnd(settings.implementationDate, settings.notificationWindow, workingDays),
    settings,
    workingDays,
  };

  const declarations = groupByUser(inputs.declarations);
  const allowances = groupByUser(inputs.allowances);
  const results = usersAt(inputs.register, upTo).map((user) =>
    userPosition(user, declarations.get(user.userId) ?? [], allowances.get(user.userId) ?? [], moment),
  );

  return {
    status: 'ok',
    askedAsOf,
    asOf: t,
    snapshotId: current.id,
    deadline,
    baselineSnapshot: baselineSnapshot ? { id: baselineSnapshot.id, asOf: baselineSnapshot.asOf } : null,
    users: results.map((result) => result.position),
    programme: programmePosition(results, moment),
    warnings: choice.warning === null ? [] : [choice.warning],
  };
}
