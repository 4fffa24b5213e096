// "Change since the previous month" (SPEC §5): each User's and the programme's figures now against
// the positions at an earlier snapshot. Negative outstanding change is progress.
import type { ProgressResult, Rag } from './types.ts';

export interface Change {
  /** Outstanding now minus outstanding then; null when there was no position then. */
  outstanding: number | null;
  completed: number | null;
  /** The RAG status then, to show a User moving between RED, AMBER and GREEN. */
  previousRag: Rag | null;
}

export interface ProgressChange {
  /** The as-of date of the earlier positions, or null when there were none. */
  since: string | null;
  programme: Omit<Change, 'previousRag'>;
  users: Record<string, Change>;
}

export function changeSince(current: ProgressResult, previous: ProgressResult | null): ProgressChange {
  if (current.status !== 'ok') return { since: null, programme: { outstanding: null, completed: null }, users: {} };
  const before = previous?.status === 'ok' ? previous : null;
  const earlier = new Map(before?.users.map((u) => [u.userId, u]) ?? []);
  const users: Record<string, Change> = {};
  for (const user of current.users) {
    const then = earlier.get(user.userId);
    users[user.userId] = then
      ? { outstanding: user.total.outstanding - then.total.outstanding, completed: user.total.completed - then.total.completed, previousRag: then.rag }
      : { outstanding: null, completed: null, previousRag: null };
  }
  return {
    since: before?.asOf ?? null,
    programme: before
      ? {
          outstanding: current.programme.total.outstanding - before.programme.total.outstanding,
          completed: current.programme.total.completed - before.programme.total.completed,
        }
      : { outstanding: null, completed: null },
    users,
  };
}
