// Empties what logins leave behind: sessions past their expiry and failed logins older than the
// throttle's window. Every instance sweeps every 15 minutes; the deletes are indexed and repeat
// harmlessly when instances sweep at once.
import type { Knex } from 'knex';
import { deleteLoginFailuresUntil } from '../../db/queries/login-failures.ts';
import { deleteExpiredSessions } from '../../db/queries/sessions.ts';
import type { Logger } from '../logger.ts';
import { LOGIN_WINDOW_MS } from './login-throttle.ts';

const SWEEP_EVERY_MS = 15 * 60 * 1000;

/** Deletes expired sessions and failed logins that no longer count; returns how many of each. */
export async function sweepLogins(knex: Knex, now = new Date()): Promise<{ sessions: number; loginFailures: number }> {
  const sessions = await deleteExpiredSessions(knex, now);
  const loginFailures = await deleteLoginFailuresUntil(knex, new Date(now.getTime() - LOGIN_WINDOW_MS));
  return { sessions, loginFailures };
}

/** Sweeps every 15 minutes until the returned function is called. */
export function startLoginSweeper(knex: Knex, logger: Logger): () => void {
  const sweep = (): void => {
    sweepLogins(knex).catch((err: unknown) => logger.warn({ err }, 'could not sweep expired sessions and old failed logins'));
  };
  const timer = setInterval(sweep, SWEEP_EVERY_MS).unref();
  return () => clearInterval(timer);
}
