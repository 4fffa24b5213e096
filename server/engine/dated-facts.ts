// Declarations and allowances as they stood on a date (SPEC §4.2 "dated facts count from their
// date"), so that a report about July never shows a declaration received in August.
import type { AllowanceInput, DeclarationInput } from './types.ts';

export interface DeclarationAt {
  /** The count as it stands: the latest declaration received on or before the date. */
  count: number;
  /**
   * When the User first notified. A correction replaces the count but does not make the original
   * notification late, nor restart the DCC's confirmation window.
   */
  firstReceivedOn: string;
}

/** The User's declaration as it stood on `date`, or null; later entries of the list win ties. */
export function declarationAt(declarations: readonly DeclarationInput[], date: string): DeclarationAt | null {
  const received = declarations.filter((d) => d.receivedOn <= date);
  let latest: DeclarationInput | undefined;
  let first: DeclarationInput | undefined;
  for (const declaration of received) {
    if (!latest || declaration.receivedOn >= latest.receivedOn) latest = declaration;
    if (!first || declaration.receivedOn < first.receivedOn) first = declaration;
  }
  return latest && first ? { count: latest.count, firstReceivedOn: first.receivedOn } : null;
}

/**
 * Allowances the DCC had confirmed on or before `date`. Used both for the allowance in force at t
 * and, in ALLOWANCE_EXCEEDED, at each earlier snapshot, where a User cannot be held to an allowance
 * nobody had told it yet.
 */
function confirmedBy(allowances: readonly AllowanceInput[], date: string): AllowanceInput[] {
  return allowances.filter((a) => a.confirmedOn <= date);
}

/**
 * The allowance in force on `date`: the latest effective date on or before it, among those confirmed
 * on or before it. Of two with the same effective date the later-confirmed (a correction) wins, then
 * the later in the list.
 */
export function allowanceInForce(allowances: readonly AllowanceInput[], date: string): number | null {
  let inForce: AllowanceInput | undefined;
  for (const allowance of confirmedBy(allowances, date)) {
    if (allowance.effectiveFrom > date) continue;
    const later =
      !inForce ||
      allowance.effectiveFrom > inForce.effectiveFrom ||
      (allowance.effectiveFrom === inForce.effectiveFrom && allowance.confirmedOn >= inForce.confirmedOn);
    if (later) inForce = allowance;
  }
  return inForce ? inForce.perDay : null;
}

/** When the DCC first confirmed any allowance to the User, on or before `date`; null if never. */
export function firstConfirmationBy(allowances: readonly AllowanceInput[], date: string): string | null {
  const dates = confirmedBy(allowances, date).map((a) => a.confirmedOn);
  return dates.length === 0 ? null : dates.reduce((a, b) => (b < a ? b : a));
}

/** A Panel decision on the deadline, as the deadline history records it. */
export interface DeadlineDecision {
  /** The order decisions were recorded in. */
  id: number;
  deadline: string;
  decidedOn: string;
  reason: string;
}

/**
 * The deadline as it stood at the end of `date`: of the decisions taken on or before it, the one
 * recorded last (a correction of a mistyped date is recorded after what it corrects). Null when
 * no decision had been taken yet.
 */
export function deadlineOn<T extends DeadlineDecision>(decisions: readonly T[], date: string): T | null {
  let inForce: T | null = null;
  for (const decision of decisions) if (decision.decidedOn <= date && (inForce === null || decision.id > inForce.id)) inForce = decision;
  return inForce;
}
