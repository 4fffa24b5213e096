// When an enforcement action is overdue, and which actions a report section shows. Pure: the
// service reads the trail, this decides.
//
// Overdue, as a SECAS programme manager reads it: an action with a due date (a letter asking for a
// plan by then, a Panel decision giving until then) is overdue as of a date when
//   - its due date is before that date (on the due date itself it is still in time), and
//   - no "Response received" from the User is recorded on or after the day the action was taken,
//     up to that date.
// Other later actions do not answer it: a chasing letter, a note or an escalation are SECAS's own
// steps, and the User still owes what was asked. A response received after the date asked does not
// count for that date, so a report regenerated later shows what was overdue when it was as of.

/** What the rules need of an action. */
export interface DatedAction {
  id: number;
  kind: string;
  takenOn: string;
  dueOn: string | null;
}

export const RESPONSE_KIND = 'response-received';

/** The actions of ONE User overdue as of `asOf`, in the order given. */
export function overdueAsOf<T extends DatedAction>(userActions: readonly T[], asOf: string): T[] {
  const responses = userActions.filter((a) => a.kind === RESPONSE_KIND && a.takenOn <= asOf);
  return userActions.filter(
    (action) =>
      action.dueOn !== null &&
      action.dueOn < asOf &&
      action.takenOn <= asOf &&
      !responses.some((response) => response.id !== action.id && response.takenOn >= action.takenOn),
  );
}

/** The actions of one User taken after `since` (the previous report's date; null: since the start) up to `asOf`. */
export function takenBetween<T extends DatedAction>(userActions: readonly T[], since: string | null, asOf: string): T[] {
  return userActions.filter((a) => (since === null || a.takenOn > since) && a.takenOn <= asOf);
}
