// The daily compliance check (SPEC §7): every morning, each User's position as of today, with the
// Users at RED and the compliance flags raised since the previous check, kept with the run.
import { progressAsOf } from '../server/progress/progress-service.ts';
import { londonToday } from '../server/engine/calendar.ts';
import { latestDetails } from '../db/queries/job-runs.ts';
import { notify } from '../server/notifications/events.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './runner.ts';

const NAME = 'daily-checks';

interface CheckDetails {
  summary: string;
  asOf: string | null;
  flagsByUser: Record<string, string[]>;
  newFlags: Array<{ userId: string; name: string; flag: string }>;
  red: Array<{ userId: string; name: string; reason: string }>;
}

export function dailyChecksJob(): JobDefinition<JobContext> {
  return {
    name: NAME,
    schedule: '30 6 * * *',
    maxAttempts: 3,
    keyAt: (now) => `checks:${londonToday(now)}`,
    async run(ctx, key): Promise<CheckDetails> {
      const today = key.slice('checks:'.length);
      const positions = await progressAsOf(ctx.knex, today);
      if (positions.status !== 'ok') return { summary: positions.message, asOf: null, flagsByUser: {}, newFlags: [], red: [] };
      const before = (await latestDetails(ctx.knex, NAME)) as Partial<CheckDetails> | null;
      const previous = before?.flagsByUser ?? {};
      const flagsByUser = Object.fromEntries(positions.users.map((u) => [u.userId, u.flags]));
      const newFlags = positions.users.flatMap((u) =>
        u.flags.filter((f) => !(previous[u.userId] ?? []).includes(f)).map((flag) => ({ userId: u.userId, name: u.name, flag })),
      );
      const red = positions.users.filter((u) => u.rag === 'RED').map((u) => ({ userId: u.userId, name: u.name, reason: u.reason }));
      // The first check has nothing to compare with: every RED User is news then.
      const wasRed = new Set((before?.red ?? []).map((u) => u.userId));
      const turnedRed = red.filter((u) => !wasRed.has(u.userId));
      if (turnedRed.length > 0 || newFlags.length > 0)
        await notify(ctx.knex, 'daily.digest', { id: today, payload: { date: today, asOf: positions.asOf, turnedRed, newFlags } });
      const { RED, AMBER, GREEN } = positions.programme.ragCounts;
      return {
        summary: `As of ${positions.asOf}: ${RED} RED, ${AMBER} AMBER, ${GREEN} GREEN; ${newFlags.length} new compliance flag(s).`,
        asOf: positions.asOf,
        flagsByUser,
        newFlags,
        red,
      };
    },
  };
}
