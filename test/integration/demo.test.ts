// `backfill demo`: the demo built at a small size on each database through the real services and
// the real ingest, then checked as a newcomer would find it — snapshots archived and counted as
// planned, the RAG mix and every promised flag on the dashboard's numbers, the deadline history, two
// published reports, working logins — and `npm run demo` as a process that serves what it prints.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listDeadlines } from '../../db/queries/deadlines.ts';
import { addAccount, authenticate } from '../../server/auth/accounts.ts';
import { resolveBearerToken } from '../../server/auth/tokens.ts';
import { findChrome } from '../../server/reports/chrome.ts';
import { buildDemo, type BuiltDemo } from '../../server/demo/build-demo.ts';
import { databaseHoldings, resetDemoDatabase } from '../../server/demo/demo-database.ts';
import { loadProgrammeData, positionsAt, progressAsOf } from '../../server/progress/progress-service.ts';
import { assertApiAnswer } from '../helpers/api-answers.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { ROOT, waitFor } from '../helpers/processes.ts';

const METERS = 3000;
const chrome = findChrome(process.env.CHROME_PATH);

for (const kind of databaseKinds) {
  describe(`the demo on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let dataDir: string;
    let built: BuiltDemo;

    before(async () => {
      t = await kind.create();
      dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-demo-'));
      built = await buildDemo({ knex: t.db.knex, dataDir, meters: METERS });
    });
    after(async () => {
      await t?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('imported every snapshot file through the ingest, archived as sent', async () => {
      const { knex } = t.db;
      const imports = await knex('snapshot_imports').orderBy('id');
      // 40 fortnights, one re-sent with its bad rows fixed, one broken extract refused first.
      assert.equal(imports.length, 42);
      assert.deepEqual([...new Set(imports.map((i) => i.source))], ['cli']);
      assert.deepEqual([...new Set(imports.map((i) => i.uploaded_by))], ['backfill demo']);
      assert.deepEqual(
        imports.filter((i) => i.status === 'failed').map((i) => i.as_of),
        ['2019-06-27'],
      );
      assert.match(JSON.parse(imports.find((i) => i.status === 'failed').errors)[0].reason, /rejected.*more than the 0\.1 %/);

      const snapshots = await knex('snapshots').orderBy('id');
      assert.equal(snapshots.length, 41);
      assert.deepEqual(
        snapshots.filter((s) => s.superseded_by !== null).map((s) => s.as_of),
        ['2018-12-27'],
      );
      for (const snapshot of snapshots) {
        const file = path.join(dataDir, snapshot.archive_path);
        assert.ok(existsSync(file), `snapshot ${snapshot.as_of} is archived at ${snapshot.archive_path}`);
        assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), snapshot.sha256, `${snapshot.as_of}: the archive holds the bytes imported`);
        assert.ok(snapshot.rejected <= 0.001 * snapshot.rows, `${snapshot.as_of}: rejected rows within max_reject_ratio`);
      }
      const corrected = snapshots.filter((s) => s.file_name.includes('corrected'));
      assert.deepEqual(
        corrected.map((s) => [s.as_of, s.rejected, s.superseded_by]),
        [['2018-12-27', 0, null]],
        'the re-sent file has its bad rows fixed and is in force',
      );
      const regular = snapshots.filter((s) => !s.file_name.includes('corrected'));
      assert.ok(
        regular.every((s) => s.rejected >= 1),
        'every other file has a handful of rejected rows',
      );
      assert.equal(existsSync(path.join(dataDir, 'demo-files')), false, 'the generated files are gone once imported');
    });

    it('stored, for every User and snapshot, the counts the programme planned', async () => {
      const { knex } = t.db;
      const rows: Array<{
        as_of: string;
        user_id: string;
        inScope: number | string;
        completed: number | string;
        invalid: number | string;
        newMissing: number | string;
      }> = await knex('snapshot_counts as c')
        .join('snapshots as s', 's.id', 'c.snapshot_id')
        .whereNull('s.superseded_by')
        .select('s.as_of', 'c.user_id')
        .sum({ inScope: 'c.in_scope', completed: 'c.completed', invalid: 'c.invalid', newMissing: 'c.new_missing' })
        .groupBy('s.as_of', 'c.user_id');
      const { programme } = built;
      assert.equal(rows.length, programme.users.length * programme.snapshotDates.length);
      for (const row of rows) {
        const user = programme.users.find((u) => u.userId === row.user_id)!;
        const k = programme.snapshotDates.indexOf(row.as_of);
        const who = `${user.name ?? user.userId} on ${row.as_of}`;
        assert.equal(Number(row.inScope), user.meters, `${who}: in scope`);
        assert.equal(Number(row.completed), user.completed[k], `${who}: completed`);
        assert.equal(Number(row.invalid), user.invalid[k], `${who}: invalid`);
        assert.equal(Number(row.newMissing), user.newMissing[k], `${who}: new without MAP ID`);
      }
    });

    it('shows RED, AMBER and GREEN Users and every promised flag as of today', async () => {
      const positions = await progressAsOf(t.db.knex);
      assert.equal(positions.status, 'ok');
      if (positions.status !== 'ok') return;
      assert.equal(positions.asOf, '2019-12-26');
      assert.equal(positions.deadline, '2020-06-30');
      assert.equal(positions.users.length, 40);
      const { RED, AMBER, GREEN } = positions.programme.ragCounts;
      assert.ok(RED >= 1 && AMBER >= 1 && GREEN >= 1, `RED ${RED}, AMBER ${AMBER}, GREEN ${GREEN}`);
      const flagsOf = (name: string) => positions.users.find((u) => u.name === name)?.flags ?? [];
      const unregistered = positions.users.find((u) => !u.registered)!;
      assert.equal(unregistered.name, unregistered.userId, 'the unregistered User is named by its ID');
      assert.ok(unregistered.flags.includes('UNREGISTERED_USER'));
      assert.ok(unregistered.flags.includes('NEW_WITHOUT_MAP_ID'));
      assert.ok(flagsOf('Lantern Gas & Electric').includes('ALLOWANCE_EXCEEDED'));
      assert.ok(flagsOf('Beacon Energy Services').includes('NOTIFICATION_MISSING'));
      assert.ok(flagsOf('Oakridge Utilities').includes('NOTIFICATION_LATE'));
      assert.ok(flagsOf('Riverbank Energy').includes('CONFIRMATION_LATE'));
      assert.ok(flagsOf('Thistle Home Power').includes('DECLARATION_MISMATCH'));
      assert.ok(flagsOf('Pennine Power').includes('INVALID_MAP_IDS'));
      assert.deepEqual(flagsOf('Northgate Energy'), [], 'a corrected declaration leaves no mismatch');
      const byReason = (reason: string) => positions.users.filter((u) => u.reason === reason).map((u) => u.name);
      assert.ok(byReason('no progress').includes('Tidewater Energy'), 'a stalled User is RED for no progress');
      assert.ok(byReason('complete').includes('Severn Vale Supply'), 'a finished User is GREEN complete');
      assert.ok(byReason('projected after deadline').includes('Meridian Home Energy'), 'a slow User is AMBER');
    });

    it('recorded the deadline and its one move with the reason', async () => {
      const history = await listDeadlines(t.db.knex);
      assert.deepEqual(
        history.map((d) => [d.deadline, d.decidedOn]),
        [
          ['2020-06-30', '2019-11-07'],
          ['2019-12-31', '2018-07-03'],
        ],
      );
      assert.match(history[0]!.reason, /Moved by six months .* report for 2019-10/);
      assert.ok(history.every((d) => d.reason.length > 20 && d.recordedBy === 'backfill demo'));
    });

    it(
      'published the reports for October and November 2019 with SECAS’s words, the move between them and a correction',
      { skip: chrome ? undefined : 'no Chromium here' },
      async () => {
        const { knex } = t.db;
        const reports = await knex('reports')
          .orderBy('id')
          .select('id', 'month', 'version', 'status', 'as_of', 'pages', 'summary', 'decisions', 'supersedes_version', 'correction_reason');
        assert.deepEqual(
          reports.map((r) => [r.month, r.version, r.status, r.as_of, r.supersedes_version]),
          [
            ['2019-10', 1, 'published', '2019-10-31', null],
            ['2019-11', 1, 'superseded', '2019-11-28', null],
            ['2019-11', 2, 'published', '2019-11-28', 1],
          ],
        );
        assert.ok(
          reports.every((r) => r.pages >= 5),
          'each report has its pages',
        );
        assert.ok(
          reports.every((r) => /^The backfill is \d+\.\d % complete\. \d+ Users are RED/.test(r.summary) && /Note the progress/.test(r.decisions)),
          'each has a summary and decisions sought',
        );
        assert.match(reports[2].correction_reason, /wrong Users/);
        assert.match(reports[2].summary, /The Panel moved the deadline to 2020-06-30/);
        // The audit log's order (its ids) is the order things happened in, whatever the clock's resolution.
        const story = await knex('audit_log')
          .whereIn('action', ['report.generate', 'report.correct', 'deadline.set'])
          .orderBy('id')
          .select('action', 'entity_id');
        assert.deepEqual(
          story.map((e) => e.action),
          ['deadline.set', 'report.generate', 'deadline.set', 'report.generate', 'report.correct'],
          'October made before the move, November after, then corrected',
        );
        assert.equal(story[2].entity_id, '2020-06-30');
        assert.equal(built.reportsSkipped, null);

        // The published November report as the Panel reads it.
        const file = path.join(dataDir, 'november.pdf');
        writeFileSync(file, (await knex('reports').where({ id: reports[2].id }).first('pdf')).pdf);
        const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
        assert.match(text, /Supersedes version 1: The executive summary gave the wrong Users/);
        assert.match(text, /Executive summary The backfill is/);
        assert.match(text, /Changes since the last report Compared with report BFM-2019-10-v1 \(positions as of 31 Oct 2019\)/);
        assert.match(text, /31 Dec 2019 → 30 Jun 2020, decided on 7 Nov 2019/);
        assert.match(text, /Enforcement actions since the last report \d+ Nov 2019 · (Letter sent|Meeting|Escalation)/);
        assert.match(text, /Overdue: Letter sent of 5 Nov 2019, due 19 Nov 2019/);
      },
    );

    it('recorded an enforcement trail for the Users at RED', async () => {
      const actions = await t.db.knex('enforcement_actions').orderBy('id');
      assert.equal(actions.length, 6);
      assert.deepEqual(
        actions.map((a) => a.kind),
        ['letter-sent', 'response-received', 'meeting', 'letter-sent', 'note', 'escalation'],
      );
      // At RED as things stood then: against the deadline before the Panel moved it.
      const positions = positionsAt(await loadProgrammeData(t.db.knex, '2019-10-31'), '2019-10-31', { factsOn: '2019-10-31' });
      assert.equal(positions.status, 'ok');
      if (positions.status !== 'ok') return;
      const rag = new Map(positions.users.map((u) => [u.userId, u.rag]));
      assert.ok(
        actions.every((a) => rag.get(a.user_id) === 'RED'),
        'every action is about a User at RED at the end of October',
      );
    });

    it('made one working login per role and a DCC API token', async () => {
      const { knex } = t.db;
      assert.deepEqual(
        built.logins.map((l) => [l.role, l.email]),
        [
          ['secas', 'secas@example.org'],
          ['panel', 'panel@example.org'],
          ['dcc', 'dcc@example.org'],
        ],
      );
      for (const login of built.logins) assert.equal((await authenticate(knex, login.email, login.password))?.role, login.role, `${login.email} logs in`);
      assert.equal((await resolveBearerToken(knex, built.apiToken))?.role, 'dcc');
    });

    it('refuses to fill it again, and --reset empties it with its archive', async () => {
      await assert.rejects(
        buildDemo({ knex: t.db.knex, dataDir, meters: METERS }),
        /already holds programme data \(41 snapshots, 42 snapshot imports, 3 accounts, 1 API token, 40 Users, 2 deadlines, 3 reports, 6 enforcement actions\)/,
      );
      await resetDemoDatabase(t.db, dataDir);
      assert.deepEqual(await databaseHoldings(t.db.knex), []);
      assert.equal(existsSync(path.join(dataDir, 'archive')), false);
    });
  });

  describe(`what the demo refuses, on ${kind.name}`, { skip: kind.skip }, () => {
    it('refuses an implementation date whose 18 months have not yet passed, storing nothing', async () => {
      const t = await kind.create();
      try {
        await assert.rejects(
          buildDemo({ knex: t.db.knex, dataDir: tmpdir(), meters: METERS, implementationDate: '2026-01-01' }),
          /18 months from the implementation date 2026-01-01 run past today/,
        );
        assert.deepEqual(await t.db.knex('settings').where({ key: 'implementation-date' }), [], 'the setting is left as it was');
        assert.equal(Number((await t.db.knex('audit_log').count({ n: '*' }).first())?.n), 0, 'nothing was recorded');
      } finally {
        await t.drop();
      }
    });

    it('refuses --reset on a database it did not build, changing nothing', async () => {
      const t = await kind.create();
      try {
        await addAccount(t.db.knex, { email: 'real@example.org', role: 'secas', password: 'a real password 123' }, { kind: 'cli', name: 'cli:someone' });
        await assert.rejects(resetDemoDatabase(t.db, tmpdir()), /holds data the demo did not make \(1 account\), so --reset left it as it is/);
        assert.deepEqual(await databaseHoldings(t.db.knex), ['1 account']);
      } finally {
        await t.drop();
      }
    });
  });
}

describe('npm run demo', () => {
  it('refuses bad options with a sentence before touching anything', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-demo-bad-'));
    try {
      const env = { DATABASE_URL: '', DATA_DIR: dir };
      const meters = await runCliInProcess(['demo', '--meters', 'lots'], { env });
      assert.equal(meters.code, 1);
      assert.equal(meters.stderr, 'The demo’s size must be a whole number of meters from 2,000 to 2,000,000 (got "lots").\n');
      const date = await runCliInProcess(['demo', '--implementation-date', '2019-02-30'], { env });
      assert.equal(date.code, 1);
      assert.equal(date.stderr, 'The implementation date must be a real date written YYYY-MM-DD (got "2019-02-30").\n');
      const port = await runCliInProcess(['demo'], { env: { ...env, PORT: 'eighty' } });
      assert.equal(port.code, 2);
      assert.match(port.stderr, /Configuration error: PORT must be a whole number/);
      assert.equal(existsSync(path.join(dir, 'backfill.sqlite')), false, 'no database was made');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds on a fresh data dir, prints the URL and three logins, serves /healthz, and refuses a second build', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-demo-proc-'));
    // DATABASE_URL unset: the demo puts its SQLite file in DATA_DIR.
    const env = { ...process.env, DATABASE_URL: '', DATA_DIR: dir, PORT: '0', LOG_LEVEL: '' };
    const child = spawn('npm', ['run', 'demo', '--', '--meters', String(METERS)], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let url = '';
    try {
      url = await waitFor(
        () => Promise.resolve(/backfill-monitor demo is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]),
        'the demo to print its URL',
        120_000,
      );
      await waitFor(() => Promise.resolve(/Build it afresh with/.test(output) ? true : undefined), 'the whole block');
      const logins = [...output.matchAll(/^ {4}(SECAS|SEC Panel|DCC) +(\S+@example\.org) +(\S+)$/gm)].map((m) => ({
        role: m[1],
        email: m[2]!,
        password: m[3]!,
      }));
      assert.deepEqual(
        logins.map((l) => l.email),
        ['secas@example.org', 'panel@example.org', 'dcc@example.org'],
      );
      assert.match(output, new RegExp(`Database sqlite:${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/backfill\\.sqlite`));

      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      for (const login of logins) {
        const client = new TestClient(url);
        assert.equal((await client.login(login.email, login.password)).status, 303, `${login.email} logs in with the printed password`);
        const overview = await client.get('/');
        assert.equal(overview.status, 200);
        assert.match(overview.text, /Albion Power &amp; Gas/, `${login.email} sees a populated overview`);
      }
      const token = /^ {4}(bfm_\S+)$/m.exec(output)![1]!;
      const progress = await fetch(`${url}/api/v1/progress`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(progress.status, 200);
      const positions = (await progress.json()) as { users: unknown[] };
      assertApiAnswer('GET', '/api/v1/progress', 200, positions);
      assert.equal(positions.users.length, 40);

      const again = await runCliInProcess(['demo', '--meters', String(METERS)], { env: { DATABASE_URL: '', DATA_DIR: dir, PORT: '0' } });
      assert.equal(again.code, 1);
      assert.match(
        again.stderr,
        /The demo is already built in .* so it was left as it is\. Start it as it is with `PORT=3000 DATABASE_URL=sqlite:.* npm start`.*npm run demo -- --reset/,
      );
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- what npm run demo printed ---\n${output}`, { cause: err });
    } finally {
      // The whole group npm started (npm, its shell, node), by its id.
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
      // npm may exit before the server has finished closing: wait until nothing answers any more.
      if (url !== '')
        await waitFor(
          () =>
            fetch(`${url}/healthz`).then(
              () => undefined,
              () => true,
            ),
          'the demo server to stop on SIGTERM',
        );
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
