// Limits failed logins per account and per client address, counted in the database so that every
// instance sees the same counts (OWASP's login throttling). Over either limit an attempt is refused
// without its password being checked, the right one included, until enough failures are 15 minutes old.
//
// A successful login does not clear any count. Clearing the address's count would let someone with
// one account of their own reset it between guesses at others; clearing the account's count would
// give a guesser fresh tries each time the real owner logs in. Failures simply age out, and the owner
// who mistyped a few times keeps the tries that are left.
import type { Knex } from 'knex';
import { deleteLoginFailure, insertLoginFailure, nthRecentFailure, type LoginSubject } from '../../db/queries/login-failures.ts';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export interface LoginLimits {
  /** Failures per account (the e-mail address typed, known or not) per window. */
  perAccount: number;
  /** Failures per client address per window. */
  perAddress: number;
}

export type Admission =
  | {
      admitted: true;
      /** The password was right: this attempt stops counting as a failure (the earlier ones stay). */
      succeeded(): Promise<void>;
    }
  | { admitted: false; limit: keyof LoginSubject; retryAfterSeconds: number };

/**
 * Admits a login attempt or says how long to wait. The attempt is written as a failure before the
 * limits are read, and only failures written before it are counted, so of many attempts sent at
 * once only as many as the limit allow are checked; a refused attempt is then not counted at all,
 * so waiting out the time given is always enough.
 */
export async function admitLogin(knex: Knex, subject: LoginSubject, limits: LoginLimits, now = new Date()): Promise<Admission> {
  const id = await insertLoginFailure(knex, subject, now);
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const checks: Array<[keyof LoginSubject, number]> = [
    ['account', limits.perAccount],
    ['address', limits.perAddress],
  ];
  let refusal: { limit: keyof LoginSubject; until: number } | undefined;
  for (const [by, limit] of checks) {
    // With `limit` failures in the window already, this attempt may go ahead once the oldest of them ages out.
    const oldestCounted = await nthRecentFailure(knex, by, subject[by], { since, beforeId: id, n: limit });
    const until = oldestCounted === undefined ? undefined : oldestCounted.getTime() + LOGIN_WINDOW_MS;
    if (until !== undefined && (refusal === undefined || until > refusal.until)) refusal = { limit: by, until };
  }
  if (refusal) {
    await deleteLoginFailure(knex, id);
    return { admitted: false, limit: refusal.limit, retryAfterSeconds: Math.max(1, Math.ceil((refusal.until - now.getTime()) / 1000)) };
  }
  return { admitted: true, succeeded: () => deleteLoginFailure(knex, id) };
}

/** "Try again in 12 minutes." for a wait in seconds. */
export function waitSentence(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
