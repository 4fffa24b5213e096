// The compliance flags of SPEC §4.4, shown beside the RAG status and never folded into it.
import { COMPLIANCE_FLAGS } from './types.ts';
import type { ComplianceFlag, FuelCounts } from './types.ts';
import type { DeclarationAt } from './dated-facts.ts';
import type { Observation } from './metrics.ts';
import type { WorkingDays } from './working-days.ts';

/** The last day of a window of `length` Working Days after `start`; a window of 0 ends on `start`. */
export function windowEnd(start: string, length: number, workingDays: WorkingDays): string {
  return length === 0 ? start : workingDays.addWd(start, length);
}

/**
 * True when, between two consecutive observations, the User's total completed rose by more than
 * the allowance in force on the later one times the Working Days between them.
 */
export function exceededAllowance(observations: readonly Observation[], allowanceOn: (date: string) => number | null, workingDays: WorkingDays): boolean {
  return observations.some((later, index) => {
    const earlier = observations[index - 1];
    if (!earlier) return false;
    const allowance = allowanceOn(later.asOf);
    if (allowance === null) return false;
    const rise = later.total.completed - earlier.total.completed;
    return rise > allowance * workingDays.wdBetween(earlier.asOf, later.asOf);
  });
}

export interface FlagFacts {
  t: string;
  registered: boolean;
  baseline: number | null;
  /** The User's totals at t. */
  total: FuelCounts;
  declaration: DeclarationAt | null;
  /** When the DCC first confirmed an allowance to the User, on or before t. */
  firstConfirmedOn: string | null;
  /** addWd(implementation date, notification window). */
  notificationDue: string;
  confirmationWindow: number;
  allowanceExceeded: boolean;
}

/** The flags raised, in alphabetical order. */
export function complianceFlags(facts: FlagFacts, workingDays: WorkingDays): ComplianceFlag[] {
  const { t, baseline, declaration, firstConfirmedOn, notificationDue } = facts;
  const confirmationDue = declaration ? windowEnd(declaration.firstReceivedOn, facts.confirmationWindow, workingDays) : null;

  const raised: Record<ComplianceFlag, boolean> = {
    NOTIFICATION_MISSING: baseline !== null && baseline > 0 && declaration === null && t > notificationDue,
    NOTIFICATION_LATE: declaration !== null && declaration.firstReceivedOn > notificationDue,
    CONFIRMATION_MISSING: confirmationDue !== null && firstConfirmedOn === null && t > confirmationDue,
    CONFIRMATION_LATE: confirmationDue !== null && firstConfirmedOn !== null && firstConfirmedOn > confirmationDue,
    // "More than 5 % of the baseline", in whole numbers so that the boundary is exact.
    DECLARATION_MISMATCH: baseline !== null && declaration !== null && 20 * Math.abs(declaration.count - baseline) > baseline,
    ALLOWANCE_EXCEEDED: facts.allowanceExceeded,
    NEW_WITHOUT_MAP_ID: facts.total.newMissing > 0,
    INVALID_MAP_IDS: facts.total.invalid > 0,
    UNREGISTERED_USER: !facts.registered,
  };
  return COMPLIANCE_FLAGS.filter((flag) => raised[flag]);
}
