// The snapshot-recount job: runs the newest recount request made on the MAP register page, once
// (its run key is the request's), recounting from their archived files the snapshots counted with
// rules other than those in force. Checked every minute outside 01:00–02:59.
import { recountSnapshots } from '../server/snapshots/recount/recount.ts';
import { newestRecountKey, RECOUNT_JOB, requesterOf } from '../server/snapshots/recount/recount-requests.ts';
import type { JobContext } from './context.ts';
import type { JobDefinition } from './runner.ts';

export function snapshotRecountJob(): JobDefinition<JobContext> {
  return {
    name: RECOUNT_JOB,
    schedule: '* 0,3-23 * * *',
    maxAttempts: 3,
    keyAt: (_now, ctx) => newestRecountKey(ctx.knex),
    // The recount's audit entries name the person who asked for it.
    run: async (ctx, key, signal) =>
      recountSnapshots({ knex: ctx.knex, dataDir: ctx.config.dataDir, logger: ctx.logger }, await requesterOf(ctx.knex, key), { signal }),
  };
}
