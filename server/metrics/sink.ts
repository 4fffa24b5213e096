// What services and jobs tell the metrics about: an import, a report render, a job run. They take
// a sink through their deps (none in the CLI), so they never import the web layer or prom-client;
// the web app's sink (app-metrics.ts) counts them for GET /metrics.

/** What became of one import: stored, the same bytes as a stored one, refused whole, or broken off. */
export type ImportMetricOutcome = 'imported' | 'duplicate' | 'refused' | 'failed';

/** Generated and stored; refused before rendering (a bad month, no snapshot, a conflicting draft); failed while rendering or storing. */
export type ReportMetricOutcome = 'generated' | 'refused' | 'failed';

export type JobMetricOutcome = 'succeeded' | 'failed' | 'skipped';

export interface MetricsSink {
  /** `rows`: data rows read from the file (0 when it broke off before they were counted). */
  snapshotImport(event: { source: string; outcome: ImportMetricOutcome; rows: number; seconds: number }): void;
  /** `pages`: the PDF's pages, null when it failed. */
  reportRender(event: { outcome: ReportMetricOutcome; seconds: number; pages: number | null }): void;
  /** One attempt that ran (not a claim that found the run done, busy or waiting). */
  jobRun(event: { job: string; outcome: JobMetricOutcome }): void;
}

/** The sink when metrics are off: counts nothing. */
export const NO_METRICS: MetricsSink = {
  snapshotImport: () => undefined,
  reportRender: () => undefined,
  jobRun: () => undefined,
};

/** Seconds since `started` (a performance.now() reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
