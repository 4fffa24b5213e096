// Job runs: claiming a run by inserting its next attempt (the unique key makes a second claim
// fail), heartbeats, outcomes, and the listing for the job runs page.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface JobRunRow {
  id: number;
  job: string;
  run_key: string;
  attempt: number;
  status: JobRunStatus;
  instance: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  retry_at: string | null;
  details: string | null;
  heartbeat_at: string | null;
}

export function runsOf(knex: Knex, job: string, runKey: string): Promise<JobRunRow[]> {
  return knex<JobRunRow>('job_runs').where({ job, run_key: runKey }).orderBy('attempt', 'desc');
}

/** The runs of a job that say they are running (alive, or of an instance that stopped). */
export function runningRunsOf(knex: Knex, job: string): Promise<JobRunRow[]> {
  return knex<JobRunRow>('job_runs').where({ job, status: 'running' });
}

/** Inserts the next attempt; earlier failed attempts stop being due for a retry. */
export async function insertRun(knex: Knex, values: { job: string; runKey: string; attempt: number; instance: string; at: Date }): Promise<number> {
  const at = toDbInstant(values.at);
  await knex('job_runs').where({ job: values.job, run_key: values.runKey, status: 'failed' }).whereNotNull('retry_at').update({ retry_at: null });
  const [id] = await knex('job_runs').insert({
    job: values.job,
    run_key: values.runKey,
    attempt: values.attempt,
    status: 'running',
    instance: values.instance,
    started_at: at,
    heartbeat_at: at,
  });
  return Number(id);
}

/** Marks a run that stopped beating as failed, unless someone else got there first. */
export async function abandonRun(knex: Knex, run: JobRunRow, at: Date): Promise<boolean> {
  const changed = await knex('job_runs')
    .where({ id: run.id, status: 'running', heartbeat_at: run.heartbeat_at })
    .update({
      status: 'failed',
      finished_at: toDbInstant(at),
      error: `Abandoned: instance ${run.instance} stopped responding while running it.`,
      retry_at: toDbInstant(at),
    });
  return changed === 1;
}

export async function beat(knex: Knex, id: number, at: Date): Promise<void> {
  await knex('job_runs')
    .where({ id, status: 'running' })
    .update({ heartbeat_at: toDbInstant(at) });
}

export async function finishRun(
  knex: Knex,
  id: number,
  outcome: { status: 'succeeded' | 'failed' | 'skipped'; at: Date; durationMs: number; error?: string | null; retryAt?: Date | null; details?: unknown },
): Promise<void> {
  await knex('job_runs')
    .where({ id })
    .update({
      status: outcome.status,
      finished_at: toDbInstant(outcome.at),
      duration_ms: outcome.durationMs,
      error: outcome.error ?? null,
      retry_at: outcome.retryAt ? toDbInstant(outcome.retryAt) : null,
      details: outcome.details === undefined ? null : JSON.stringify(outcome.details),
    });
}

/** (job, run key) pairs whose latest attempt failed and is due for a retry. */
export async function retriesDue(knex: Knex, at: Date): Promise<Array<{ job: string; run_key: string }>> {
  const rows = await knex<JobRunRow>('job_runs')
    .where('status', 'failed')
    .whereNotNull('retry_at')
    .where('retry_at', '<=', toDbInstant(at))
    .distinct('job', 'run_key');
  return rows.map((r) => ({ job: r.job, run_key: r.run_key }));
}

/** Whether (job, run key) has been run at all, whatever the outcome. */
export async function hasRun(knex: Knex, job: string, runKey: string): Promise<boolean> {
  const row = await knex<JobRunRow>('job_runs').where({ job, run_key: runKey }).first('id');
  return row !== undefined;
}

/** Newest first, of one job or all: `limit` runs after the `offset` newest. */
export function listRuns(knex: Knex, options: { limit: number; offset: number; job?: string }): Promise<JobRunRow[]> {
  const query = knex<JobRunRow>('job_runs').orderBy('id', 'desc').offset(options.offset).limit(options.limit);
  if (options.job) void query.where('job', options.job);
  return query;
}

export async function countRuns(knex: Knex, job?: string): Promise<number> {
  const query = knex('job_runs').count({ n: '*' });
  if (job) void query.where('job', job);
  const row = (await query.first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

export async function jobNames(knex: Knex): Promise<string[]> {
  const rows = await knex('job_runs').distinct('job').orderBy('job');
  return rows.map((r: { job: string }) => r.job);
}

/** The details of a job's latest successful run, parsed, or null. */
export async function latestDetails(knex: Knex, job: string): Promise<unknown> {
  const row = await knex<JobRunRow>('job_runs').where({ job, status: 'succeeded' }).orderBy('id', 'desc').first();
  return row?.details ? (JSON.parse(row.details) as unknown) : null;
}
