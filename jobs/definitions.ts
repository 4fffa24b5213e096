// The scheduled jobs of SPEC §7, on Europe/London schedules that stay clear of 01:00–02:59.
import { archiveJob } from './archive-job.ts';
import type { JobContext } from './context.ts';
import { dailyChecksJob } from './daily-checks.ts';
import { inboxJob } from './inbox-job.ts';
import { monthlyReportJob } from './monthly-report.ts';
import type { JobDefinition } from './runner.ts';
import { snapshotRecountJob } from './snapshot-recount.ts';

export function jobDefinitions(): Array<JobDefinition<JobContext>> {
  return [inboxJob(), archiveJob(), dailyChecksJob(), monthlyReportJob(), snapshotRecountJob()];
}
