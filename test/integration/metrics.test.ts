// GET /metrics (Prometheus text): off (404) without METRICS_TOKEN, 401 without that exact bearer
// token, and with it numbers worked out here: requests per route pattern, imports by outcome with
// their rows, report renders, job runs, the outbox, and the newest snapshot's date and age.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JobRunner, type JobDefinition } from '../../jobs/runner.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { createLogger, type Logger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { insertMessages } from '../../db/queries/notifications.ts';
import type { Database } from '../../db/connection.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { waitFor } from '../helpers/processes.ts';
import { seedDeadline } from '../helpers/seed.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const SYSTEM = { kind: 'system', name: 'test' } as const;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition, failing on any line that is neither a comment nor a sample. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP [a-zA-Z_:][\w:]* .*|TYPE [a-zA-Z_:][\w:]* (counter|gauge|histogram|summary|untyped))$/, line);
      continue;
    }
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? '';
    const pairs = body.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"(,|$)/g);
    let consumed = 0;
    for (const p of pairs) {
      labels[p[1]!] = p[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed += p[0].length;
    }
    assert.equal(consumed, body.length, `labels of ${line}`);
    const value = /^nan$/i.test(m[3]!) ? NaN : m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value) || /^nan$/i.test(m[3]!), `value of ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** The one sample of `name` whose labels are exactly `labels`; undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter(
    (s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found[0]?.value;
}

for (const kind of databasesFor('sql')) {
  describe(`GET /metrics on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let off: TestServer;
    let on: TestServer;
    let dccToken: string;
    const logger: Logger = createLogger('silent');

    const scrape = async (server: TestServer = on): Promise<Sample[]> => {
      const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/);
      assert.equal(res.headers.get('set-cookie'), null, 'a scrape makes no session and sets no cookie');
      return parse(await res.text());
    };
    const upload = (asOf: string, body: string) =>
      fetch(`${on.url}/api/v1/snapshots?asOf=${asOf}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${dccToken}` },
      });

    before(async () => {
      t = await kind.create();
      dccToken = (await createApiToken(t.db.knex, { name: 'dcc system', role: 'dcc' }, SYSTEM)).token;
      await addAccount(t.db.knex, { email: 'secas@example.org', role: 'secas', password: 'metrics password 123' }, SYSTEM);
      await t.db.knex('settings').insert({ key: 'max-reject-ratio', value: '0.5', updated_at: '2024-01-01 00:00:00.000', updated_by: 'test' });
      await seedDeadline(t.db.knex, '2025-06-30');
      off = await startTestServer(t.url);
      on = await startTestServer(t.url, { METRICS_TOKEN: TOKEN });
    });
    after(async () => {
      await off?.stop();
      await on?.stop();
      await t?.drop();
    });

    it('is off without METRICS_TOKEN: 404, token or not', async () => {
      assert.equal((await fetch(`${off.url}/metrics`)).status, 404);
      assert.equal((await fetch(`${off.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 404);
    });

    it('answers 401 with WWW-Authenticate without the token, with a wrong one, and to an API token or a session', async () => {
      const secas = new TestClient(on.url);
      assert.equal((await secas.login('secas@example.org', 'metrics password 123')).status, 303);
      const attempts = [
        await fetch(`${on.url}/metrics`),
        await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } }),
        await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}` } }),
        await fetch(`${on.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } }),
        await fetch(`${on.url}/metrics`, { headers: { authorization: `Bearer ${dccToken}` } }),
      ];
      for (const res of attempts) {
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="metrics"');
        assert.equal(res.headers.get('set-cookie'), null);
      }
      assert.equal((await secas.get('/metrics')).status, 401);
    });

    it('times requests by route pattern, never by raw URL', async () => {
      const before = await scrape();
      const pattern = { method: 'GET', route: '/snapshots/:id', status: '302' };
      const countBefore = valueOf(before, 'backfill_http_request_duration_seconds_count', pattern) ?? 0;
      // Anonymous: both sent to the login page, through the same route.
      for (const id of [101, 102]) assert.equal((await fetch(`${on.url}/snapshots/${id}`, { redirect: 'manual' })).status, 302);
      assert.equal((await fetch(`${on.url}/no-such-page-${Date.now()}`)).status, 404);
      const samples = await scrape();
      assert.equal(valueOf(samples, 'backfill_http_request_duration_seconds_count', pattern), countBefore + 2);
      assert.equal(valueOf(samples, 'backfill_http_request_duration_seconds_bucket', { ...pattern, le: '+Inf' }), countBefore + 2);
      assert.ok(valueOf(samples, 'backfill_http_request_duration_seconds_sum', pattern)! > 0);
      assert.ok(valueOf(samples, 'backfill_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })! >= 1);
      const routes = new Set(samples.filter((s) => s.name.startsWith('backfill_http_request')).map((s) => s.labels.route));
      for (const route of routes) assert.ok(route === 'unmatched' || !/\/\d+|no-such-page/.test(route!), `route label ${route}`);
      // The default process metrics are there too.
      assert.ok(valueOf(samples, 'process_cpu_user_seconds_total')! > 0);
    });

    it('counts an import with its rows, a refusal, and dates the newest snapshot', async () => {
      const empty = await scrape();
      assert.ok(Number.isNaN(valueOf(empty, 'backfill_newest_snapshot_age_seconds')!), 'no snapshot yet: NaN');

      // Three data rows, one of them rejected: imported (201).
      const good = [HEADER, row(1), row(2, { map_id: 'UFLM' }), row(3, { device_id: 'nope' }), ''].join('\n');
      assert.equal((await upload('2024-01-31', good)).status, 201);
      // Broken quoting: refused whole (422).
      assert.equal((await upload('2024-02-29', `${HEADER}\n${row(20)}\n${row(21, { device_type: 'E"SME' })}\n`)).status, 422);

      const samples = await scrape();
      const imported = { source: 'api', outcome: 'imported' };
      const refused = { source: 'api', outcome: 'refused' };
      assert.equal(valueOf(samples, 'backfill_snapshot_imports_total', imported), 1);
      assert.equal(valueOf(samples, 'backfill_snapshot_import_rows_total', imported), 3);
      assert.equal(valueOf(samples, 'backfill_snapshot_imports_total', refused), 1);
      assert.equal(valueOf(samples, 'backfill_snapshot_imports_total', { source: 'api', outcome: 'failed' }), undefined);
      assert.equal(valueOf(samples, 'backfill_snapshot_import_duration_seconds_count', imported), 1);
      assert.equal(valueOf(samples, 'backfill_snapshot_import_duration_seconds_count', refused), 1);

      // 31 Jan 2024 in London is GMT: it starts at midnight UTC.
      const start = Date.UTC(2024, 0, 31) / 1000;
      assert.equal(valueOf(samples, 'backfill_newest_snapshot_as_of_timestamp_seconds'), start);
      const age = valueOf(samples, 'backfill_newest_snapshot_age_seconds')!;
      assert.ok(Math.abs(age - (Date.now() / 1000 - start)) < 60, `age ${age}`);
    });

    it('dates a summer snapshot from midnight British Summer Time', async () => {
      assert.equal((await upload('2024-07-31', [HEADER, row(40), row(41), ''].join('\n'))).status, 201);
      const samples = await scrape();
      // 31 Jul 2024 00:00 BST is 30 Jul 23:00 UTC.
      const start = Date.UTC(2024, 6, 30, 23) / 1000;
      assert.equal(valueOf(samples, 'backfill_newest_snapshot_as_of_timestamp_seconds'), start);
      assert.ok(Math.abs(valueOf(samples, 'backfill_newest_snapshot_age_seconds')! - (Date.now() / 1000 - start)) < 60);
      assert.equal(valueOf(samples, 'backfill_snapshot_imports_total', { source: 'api', outcome: 'imported' }), 2);
      assert.equal(valueOf(samples, 'backfill_snapshot_import_rows_total', { source: 'api', outcome: 'imported' }), 5);
    });

    it('counts job runs by job and outcome', async () => {
      type Ctx = { knex: Database['knex']; logger: Logger; metrics: TestServer['metrics'] };
      const job = (name: string, run: JobDefinition<Ctx>['run']): JobDefinition<Ctx> => ({
        name,
        schedule: '0 6 * * *',
        keyAt: () => 'k',
        run,
        maxAttempts: 1,
      });
      const works = job('metrics-works', () => Promise.resolve({ ok: true }));
      const breaks = job('metrics-breaks', () => Promise.reject(new Error('broken on purpose')));
      const runner = new JobRunner<Ctx>({ knex: t.db.knex, logger, metrics: on.metrics }, [works, breaks]);
      assert.equal((await runner.run(works, 'a')).state, 'succeeded');
      assert.equal((await runner.run(works, 'b')).state, 'succeeded');
      // Already done: not a run.
      assert.equal((await runner.run(works, 'a')).state, 'done');
      assert.equal((await runner.run(breaks, 'a')).state, 'failed');
      const samples = await scrape();
      assert.equal(valueOf(samples, 'backfill_job_runs_total', { job: 'metrics-works', outcome: 'succeeded' }), 2);
      assert.equal(valueOf(samples, 'backfill_job_runs_total', { job: 'metrics-works', outcome: 'failed' }), undefined);
      assert.equal(valueOf(samples, 'backfill_job_runs_total', { job: 'metrics-breaks', outcome: 'failed' }), 1);
    });

    it('counts report renders: generated with its pages, refused without a snapshot', async () => {
      const secas = new TestClient(on.url);
      assert.equal((await secas.login('secas@example.org', 'metrics password 123')).status, 303);
      const csrf = await secas.csrfToken('/reports');
      const refused = await secas.postForm('/reports/generate', { _csrf: csrf, month: '2019-01' });
      assert.equal(refused.status, 422);
      const generated = await secas.postForm('/reports/generate', { _csrf: csrf, month: '2024-01' });
      const samples = await scrape();
      assert.equal(valueOf(samples, 'backfill_report_renders_total', { outcome: 'refused' }), 1);
      if (new BrowserManager(undefined, logger).unavailableReason() !== null) {
        // No Chromium here: the render failed, and is counted so.
        assert.equal(generated.status, 503);
        assert.equal(valueOf(samples, 'backfill_report_renders_total', { outcome: 'failed' }), 1);
        return;
      }
      assert.equal(generated.status, 303, generated.text.slice(0, 500));
      const stored = await t.db.knex('reports').where({ month: '2024-01' }).first();
      assert.equal(valueOf(samples, 'backfill_report_renders_total', { outcome: 'generated' }), 1);
      assert.equal(valueOf(samples, 'backfill_report_render_duration_seconds_count', { outcome: 'generated' }), 1);
      assert.equal(valueOf(samples, 'backfill_report_pages_count'), 1);
      assert.equal(valueOf(samples, 'backfill_report_pages_sum'), Number(stored.pages));
    });

    it('counts the scheduled jobs that run in the web process, and the reports they render', async () => {
      // 12 Mar 2024: February's report day (the 5th Working Day of March) has passed, so the scheduler
      // catches up the months not drafted since the first snapshot as it starts.
      const clock = () => new Date('2024-03-12T10:00:00Z');
      const scheduled = await startTestServer(t.url, { METRICS_TOKEN: TOKEN }, { scheduler: true, clock });
      try {
        const runs = await waitFor(
          async () => {
            const rows = await t.db.knex('job_runs').where({ job: 'monthly-report', run_key: 'report:2024-02' }).whereNot({ status: 'running' });
            return rows.length ? await t.db.knex('job_runs').where({ job: 'monthly-report' }).whereNot({ status: 'running' }) : undefined;
          },
          "February's report run to finish",
          60_000,
        );
        const samples = await scrape(scheduled);
        for (const outcome of ['succeeded', 'failed'] as const) {
          const expected = runs.filter((r: { status: string }) => r.status === outcome).length;
          assert.equal(valueOf(samples, 'backfill_job_runs_total', { job: 'monthly-report', outcome }) ?? 0, expected, outcome);
        }
        const drafted = await t.db.knex('reports').where({ generated_by: 'scheduler' });
        assert.equal(valueOf(samples, 'backfill_report_renders_total', { outcome: 'generated' }) ?? 0, drafted.length);
        assert.equal(valueOf(samples, 'backfill_job_runs_total', { job: 'metrics-works', outcome: 'succeeded' }), undefined, 'each app counts its own');
      } finally {
        await scheduled.stop();
      }
    });

    it('counts the notification outbox by state', async () => {
      // The earlier imports wrote their messages (a refusal tells SECAS): start from none.
      await t.db.knex('notification_outbox').delete();
      const before = await scrape();
      for (const state of ['pending', 'sending', 'sent', 'failed', 'skipped']) assert.equal(valueOf(before, 'backfill_outbox_messages', { state }), 0);
      // Three messages written; the first one sent, the second failed for good.
      await insertMessages(
        t.db.knex,
        ['a', 'b', 'c'].map((to) => ({
          channel: 'email' as const,
          event: 'job.failed',
          recipient: `${to}@example.org`,
          payload: {},
          dedupeKey: `metrics-${to}`,
        })),
      );
      const [first, second] = (await t.db.knex('notification_outbox').orderBy('id').select('id')).map((r: { id: number }) => r.id);
      await t.db.knex('notification_outbox').where({ id: first }).update({ status: 'sent' });
      await t.db.knex('notification_outbox').where({ id: second }).update({ status: 'failed' });
      try {
        const samples = await scrape();
        assert.equal(valueOf(samples, 'backfill_outbox_messages', { state: 'pending' }), 1);
        assert.equal(valueOf(samples, 'backfill_outbox_messages', { state: 'sent' }), 1);
        assert.equal(valueOf(samples, 'backfill_outbox_messages', { state: 'failed' }), 1);
        assert.equal(valueOf(samples, 'backfill_outbox_messages', { state: 'skipped' }), 0);
      } finally {
        await t.db.knex('notification_outbox').delete();
      }
    });
  });
}
