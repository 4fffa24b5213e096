// Runs jobs exactly once per run key across any number of instances: a run is claimed by
// inserting its next attempt (job, run key, attempt is unique, so a second instance's claim fails),
// kept alive by heartbeats, recorded with its outcome, and retried with backoff when it fails.
import { lostToAnotherWriter } from '../db/dialect/unique-violation.ts';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import { fromDbInstant } from '../db/instant.ts';
import { abandonRun, beat, finishRun, insertRun, retriesDue, runsOf } from '../db/queries/job-runs.ts';
import type { Logger } from '../server/logger.ts';
import type { MetricsSink } from '../server/metrics/sink.ts';

export interface JobDefinition<Ctx> {
  name: string;
  /** Cron expression (minute hour day month weekday), evaluated in Europe/London. Keep clear of 01:00–02:59 (clock changes). */
  schedule: string;
  /** What a trigger at this instant should produce (e.g. 'report:2026-10'), or null when nothing is due. */
  keyAt(now: Date, ctx: Ctx): string | null | Promise<string | null>;
  /** Keys whose trigger passed while no instance was running, to catch up once at start. */
  missed?(now: Date, ctx: Ctx): Promise<string[]>;
  /** Does the work; what it returns is kept as the run's details (a RunSkipped: nothing to do yet). Throwing fails the run. */
  run(ctx: Ctx, key: string, signal: AbortSignal): Promise<unknown>;
  /** Attempts before a failing run is left failed for people to look at. */
  maxAttempts: number;
}

export type Claim = { state: 'claimed'; id: number; attempt: number } | { state: 'done' | 'busy' | 'gave-up' } | { state: 'waiting'; retryAt: Date };

export type RunOutcome = { state: 'succeeded' | 'failed' | 'skipped'; id: number; attempt: number; error?: string } | Exclude<Claim, { state: 'claimed' }>;

/**
 * What a job's run returns when there is nothing it can do yet (a monthly report with no snapshot
 * to build it from): the run is recorded "skipped" with its summary, logged at info, never retried,
 * and not counted as done, so a later trigger or catch-up does the work once it can.
 */
export class RunSkipped {
  constructor(readonly details: { summary: string } & Record<string, unknown>) {}
}

export interface RunnerOptions {
  instance?: string;
  clock?: () => Date;
  heartbeatMs?: number;
  /** A running attempt whose heartbeat is older than this belongs to a dead instance. */
  staleAfterMs?: number;
  /** Delay before attempt n+1 after attempt n failed. */
  backoffMs?: (attempt: number) => number;
  /** Runs in the transaction that records a run's last failed attempt (the app tells SECAS from here). */
  onGaveUp?: (trx: Knex, run: { job: string; key: string; attempts: number; error: string }) => Promise<void>;
}

export const defaultBackoffMs = (attempt: number): number => Math.min(60_000 * 2 ** (attempt - 1), 60 * 60_000);

/** Host, process and a random tag: two runners in one process (tests) are still told apart. */
export function instanceName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
}

export class JobRunner<Ctx extends { knex: Knex; logger: Logger; metrics?: MetricsSink | undefined }> {
  readonly instance: string;
  private readonly clock: () => Date;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly onGaveUp: RunnerOptions['onGaveUp'];
  private readonly active = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: Ctx,
    private readonly definitions: ReadonlyArray<JobDefinition<Ctx>>,
    options: RunnerOptions = {},
  ) {
    this.instance = options.instance ?? instanceName();
    this.clock = options.clock ?? (() => new Date());
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
    this.staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
    this.backoffMs = options.backoffMs ?? defaultBackoffMs;
    this.onGaveUp = options.onGaveUp;
  }

  definition(name: string): JobDefinition<Ctx> {
    const found = this.definitions.find((d) => d.name === name);
    if (!found) throw new Error(`No job named ${name}`);
    return found;
  }

  /** Claims the next attempt of (job, key) if it is not done, not running elsewhere and not waiting. */
  async claim(definition: JobDefinition<Ctx>, key: string): Promise<Claim> {
    const { knex } = this.ctx;
    const now = this.clock();
    try {
      return await knex.transaction(async (trx) => {
        const runs = await runsOf(trx, definition.name, key);
        if (runs.some((r) => r.status === 'succeeded')) return { state: 'done' } as const;
        const latest = runs[0];
        if (latest?.status === 'running') {
          const alive = now.getTime() - fromDbInstant(latest.heartbeat_at ?? latest.started_at).getTime() < this.staleAfterMs;
          if (alive) return { state: 'busy' } as const;
          if (!(await abandonRun(trx, latest, now))) return { state: 'busy' } as const;
        } else if (latest?.status === 'failed') {
          if (latest.attempt >= definition.maxAttempts) return { state: 'gave-up' } as const;
          if (latest.retry_at && fromDbInstant(latest.retry_at) > now) return { state: 'waiting', retryAt: fromDbInstant(latest.retry_at) } as const;
        }
        const attempt = (latest?.attempt ?? 0) + 1;
        const id = await insertRun(trx, { job: definition.name, runKey: key, attempt, instance: this.instance, at: now });
        return { state: 'claimed', id, attempt } as const;
      });
    } catch (err) {
      // Another instance inserted the same attempt first: it owns the run.
      if (lostToAnotherWriter(err)) return { state: 'busy' };
      throw err;
    }
  }

  /** Claims and runs (job, key) now if nobody has or is; records the outcome. */
  run(definition: JobDefinition<Ctx>, key: string): Promise<RunOutcome> {
    const work = this.claimAndRun(definition, key);
    this.active.add(work);
    // Both ways, and never a promise of its own left to reject: the caller handles work's failure.
    const forget = (): void => void this.active.delete(work);
    work.then(forget, forget);
    return work;
  }

  private async claimAndRun(definition: JobDefinition<Ctx>, key: string): Promise<RunOutcome> {
    const claim = await this.claim(definition, key);
    if (claim.state !== 'claimed') return claim;
    const { knex, logger } = this.ctx;
    const started = Date.now();
    const heartbeat = setInterval(() => {
      beat(knex, claim.id, this.clock()).catch((err: unknown) => logger.warn({ err, job: definition.name, key }, 'job heartbeat failed'));
    }, this.heartbeatMs);
    heartbeat.unref();
    const log = logger.child({ job: definition.name, key, attempt: claim.attempt });
    log.info('job started');
    try {
      const details = await definition.run(this.ctx, key, this.abort.signal);
      if (details instanceof RunSkipped) {
        await finishRun(knex, claim.id, { status: 'skipped', at: this.clock(), durationMs: Date.now() - started, details: details.details });
        log.info({ durationMs: Date.now() - started }, `job skipped: ${details.details.summary}`);
        this.ctx.metrics?.jobRun({ job: definition.name, outcome: 'skipped' });
        return { state: 'skipped', id: claim.id, attempt: claim.attempt };
      }
      await finishRun(knex, claim.id, { status: 'succeeded', at: this.clock(), durationMs: Date.now() - started, details });
      log.info({ durationMs: Date.now() - started }, 'job succeeded');
      this.ctx.metrics?.jobRun({ job: definition.name, outcome: 'succeeded' });
      return { state: 'succeeded', id: claim.id, attempt: claim.attempt };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryAt = claim.attempt < definition.maxAttempts ? new Date(this.clock().getTime() + this.backoffMs(claim.attempt)) : null;
      const failed = { status: 'failed' as const, at: this.clock(), durationMs: Date.now() - started, error: message, retryAt };
      if (retryAt !== null || this.onGaveUp === undefined) await finishRun(knex, claim.id, failed);
      else
        await knex.transaction(async (trx) => {
          await finishRun(trx, claim.id, failed);
          await this.onGaveUp?.(trx, { job: definition.name, key, attempts: claim.attempt, error: message });
        });
      log.error({ err, retryAt }, 'job failed');
      this.ctx.metrics?.jobRun({ job: definition.name, outcome: 'failed' });
      return { state: 'failed', id: claim.id, attempt: claim.attempt, error: message };
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Runs what a trigger at `now` is for, if anything. */
  async trigger(definition: JobDefinition<Ctx>, now: Date = this.clock()): Promise<RunOutcome | null> {
    const key = await definition.keyAt(now, this.ctx);
    return key === null ? null : this.run(definition, key);
  }

  /** Retries every failed run whose backoff has passed. */
  async retryDue(): Promise<RunOutcome[]> {
    const due = await retriesDue(this.ctx.knex, this.clock());
    const outcomes: RunOutcome[] = [];
    for (const { job, run_key } of due) {
      const definition = this.definitions.find((d) => d.name === job);
      if (definition) outcomes.push(await this.run(definition, run_key));
    }
    return outcomes;
  }

  /** Runs, once each, the keys every job missed while the service was down. */
  async catchUp(): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    for (const definition of this.definitions) {
      for (const key of (await definition.missed?.(this.clock(), this.ctx)) ?? []) outcomes.push(await this.run(definition, key));
    }
    return outcomes;
  }

  /** Asks running jobs to stop (they see the abort signal) and waits for them to record their outcome. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.active]);
  }
}
