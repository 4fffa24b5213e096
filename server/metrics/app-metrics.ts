// The metrics of one app instance for GET /metrics (Prometheus text): a registry of its own, not
// prom-client's global one, so several apps in one process (tests) keep their counts apart. Counts
// arrive through the MetricsSink (imports, renders, job runs) and the HTTP middleware; the newest
// snapshot and the outbox are read from the database when scraped.
import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { countMessagesByStatus, type OutboxStatus } from '../../db/queries/notifications.ts';

/** Every state a message can be in, each reported (0 when none is in it) so a dashboard sees them all. */
const OUTBOX_STATES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];
import { newestSnapshotDate } from '../../db/queries/snapshots.ts';
import { londonHour } from '../engine/calendar.ts';
import type { Logger } from '../logger.ts';
import type { ImportMetricOutcome, JobMetricOutcome, MetricsSink, ReportMetricOutcome } from './sink.ts';

/** The route label of a request no route matched (404s, static files): never the raw URL, which any client can vary. */
export const UNMATCHED_ROUTE = 'unmatched';

export interface AppMetricsOptions {
  knex: Knex;
  logger: Logger;
  /** What time it is, for the newest snapshot's age; tests set it. */
  now?: () => Date;
}

export class AppMetrics implements MetricsSink {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly imports: Counter<'source' | 'outcome'>;
  private readonly importRows: Counter<'source' | 'outcome'>;
  private readonly importDuration: Histogram<'source' | 'outcome'>;
  private readonly renders: Counter<'outcome'>;
  private readonly renderDuration: Histogram<'outcome'>;
  private readonly reportPages: Histogram;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  /** One read of the newest as-of date per scrape, shared by the two gauges made from it. */
  private newest: Promise<string | null> | undefined;

  constructor(private readonly options: AppMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'backfill_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status code ("aborted" when the response was cut off), in seconds.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.imports = new Counter({
      name: 'backfill_snapshot_imports_total',
      help: 'Snapshot imports by outcome (imported, duplicate, refused, failed) and source (web, api, cli, inbox).',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.importRows = new Counter({
      name: 'backfill_snapshot_import_rows_total',
      help: 'Data rows read by snapshot imports, by source and outcome.',
      labelNames: ['source', 'outcome'],
      registers,
    });
    this.importDuration = new Histogram({
      name: 'backfill_snapshot_import_duration_seconds',
      help: 'How long snapshot imports took, from the first byte to the recorded outcome, in seconds.',
      labelNames: ['source', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
      registers,
    });
    this.renders = new Counter({
      name: 'backfill_report_renders_total',
      help: 'Monthly report generations (data, HTML, PDF, stored version) by outcome (generated, refused, failed).',
      labelNames: ['outcome'],
      registers,
    });
    this.renderDuration = new Histogram({
      name: 'backfill_report_render_duration_seconds',
      help: 'How long report generations took, in seconds.',
      labelNames: ['outcome'],
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers,
    });
    this.reportPages = new Histogram({
      name: 'backfill_report_pages',
      help: 'Pages of each generated report PDF.',
      buckets: [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 96],
      registers,
    });
    this.jobRuns = new Counter({
      name: 'backfill_job_runs_total',
      help: 'Scheduled job attempts run in this process, by job and outcome (succeeded, failed, skipped: nothing to do yet).',
      labelNames: ['job', 'outcome'],
      registers,
    });
    // Read at scrape time from the database, so every instance reports the same and none need have imported it.
    const asOfGauge: Gauge = new Gauge({
      name: 'backfill_newest_snapshot_as_of_timestamp_seconds',
      help: "The newest snapshot's as-of date, as the Unix time of its start (00:00 Europe/London); NaN when there is none.",
      registers,
      collect: async () => {
        const asOf = await this.newestAsOf();
        asOfGauge.set(asOf === null ? NaN : londonMidnight(asOf) / 1000);
      },
    });
    const ageGauge: Gauge = new Gauge({
      name: 'backfill_newest_snapshot_age_seconds',
      help: "Seconds since the start (00:00 Europe/London) of the newest snapshot's as-of date; NaN when there is none.",
      registers,
      collect: async () => {
        const asOf = await this.newestAsOf();
        ageGauge.set(asOf === null ? NaN : (this.now().getTime() - londonMidnight(asOf)) / 1000);
      },
    });
    const outboxGauge: Gauge<'state'> = new Gauge({
      name: 'backfill_outbox_messages',
      help: 'Notification messages (e-mail and webhook calls) in the outbox by state.',
      labelNames: ['state'],
      registers,
      collect: async () => {
        const counts = await countMessagesByStatus(options.knex).catch((err: unknown) => {
          options.logger.warn({ err }, 'metrics: could not count the outbox');
          return undefined;
        });
        // Unreadable: the last counts stand rather than a drop to zero that never happened.
        if (counts === undefined) return;
        outboxGauge.reset();
        for (const state of OUTBOX_STATES) outboxGauge.set({ state }, 0);
        for (const [state, n] of Object.entries(counts)) outboxGauge.set({ state }, n);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest(method: string, route: string, status: string, seconds: number): void {
    this.httpDuration.observe({ method, route, status }, seconds);
  }

  snapshotImport(event: { source: string; outcome: ImportMetricOutcome; rows: number; seconds: number }): void {
    const labels = { source: event.source, outcome: event.outcome };
    this.imports.inc(labels);
    this.importRows.inc(labels, event.rows);
    this.importDuration.observe(labels, event.seconds);
  }

  reportRender(event: { outcome: ReportMetricOutcome; seconds: number; pages: number | null }): void {
    this.renders.inc({ outcome: event.outcome });
    this.renderDuration.observe({ outcome: event.outcome }, event.seconds);
    if (event.pages !== null) this.reportPages.observe(event.pages);
  }

  jobRun(event: { job: string; outcome: JobMetricOutcome }): void {
    this.jobRuns.inc({ job: event.job, outcome: event.outcome });
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private newestAsOf(): Promise<string | null> {
    this.newest ??= newestSnapshotDate(this.options.knex)
      .catch((err: unknown) => {
        this.options.logger.warn({ err }, 'metrics: could not read the newest snapshot date');
        return null;
      })
      .finally(() => {
        this.newest = undefined;
      });
    return this.newest;
  }
}

/** The instant (ms) a Europe/London calendar date starts: 00:00 GMT in winter, 23:00 UTC the day before in summer. */
export function londonMidnight(date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  const anHourBefore = utc - 3_600_000;
  return londonHour(new Date(anHourBefore)) === 0 ? anHourBefore : utc;
}
