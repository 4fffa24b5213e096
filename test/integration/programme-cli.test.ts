// The worked example of SPEC §4 (examples/progress-scenario.json) loaded the way an operator would —
// `backfill users|declarations|allowances import`, `backfill deadline set` — with the snapshots
// stored as the ingest leaves them. Every expected position must come out, and `backfill progress
// --as-of D --json` must print exactly what GET /api/v1/progress?asOf=D returns. On SQLite and MySQL.
// The commands run in-process (runCli); cli.test.ts checks the real bin.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../server/auth/tokens.ts';
import type { ProgressJson, ProgressJsonUser } from '../../server/engine/progress-json.ts';
import { scenario } from '../unit/engine/scenario-inputs.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { insertSnapshot, type FuelRow } from './programme-fixtures.ts';

function closeTo(actual: number | null, expected: number | null, label: string): void {
  if (actual === null || expected === null) return assert.equal(actual, expected, label);
  assert.ok(Math.abs(actual - expected) <= 1e-6, `${label}: ${actual} is not ${expected}`);
}

const asRow = (counts: { inScope: number; completed: number; invalid: number; newMissing: number }): FuelRow => [
  counts.inScope,
  counts.completed,
  counts.invalid,
  counts.newMissing,
];

for (const kind of databaseKinds) {
  describe(`the worked example through the CLI and the API on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let env: Record<string, string>;
    let dir: string;
    let api: TestClient;
    let token: string;

    const file = (name: string, lines: string[]): string => {
      const where = path.join(dir, name);
      writeFileSync(where, lines.join('\n') + '\n');
      return where;
    };
    const backfill = async (...args: string[]) => {
      const run = await runCliInProcess(args, { env });
      assert.equal(run.code, 0, `backfill ${args.join(' ')}: ${run.stderr}`);
      return run.stdout;
    };
    const fromApi = async (query: string) => {
      const res = await api.get(`/api/v1/progress${query}`, { authorization: `Bearer ${token}` });
      return { status: res.status, body: JSON.parse(res.text) as Record<string, unknown> };
    };

    before(async () => {
      t = await kind.create();
      dir = mkdtempSync(path.join(tmpdir(), 'bfm-cli-'));
      env = { DATABASE_URL: t.url, DATA_DIR: dir };
      server = await startTestServer(t.url);
      api = new TestClient(server.url);
      token = (await createApiToken(t.db.knex, { name: 'Panel dashboard feed', role: 'panel' }, { kind: 'system', name: 'test' })).token;

      const users = file('users.csv', ['user_id,name', ...scenario.register.map((u) => `${u.userId},"${u.name}"`)]);
      assert.match(await backfill('users', 'import', users), /^Imported users\.csv: 2 rows — 2 added, 0 changed, 0 unchanged\.\n$/);
      const declarations = file('declarations.csv', [
        'user_id,count,received_on',
        ...scenario.declarations.map((d) => `${d.userId},${d.count},${d.receivedOn}`),
      ]);
      await backfill('declarations', 'import', declarations);
      const allowances = file('allowances.csv', [
        'user_id,per_day,effective_from,confirmed_on',
        ...scenario.allowances.map((a) => `${a.userId},${a.perDay},${a.effectiveFrom},${a.confirmedOn}`),
      ]);
      await backfill('allowances', 'import', allowances);
      assert.equal(
        await backfill('deadline', 'set', scenario.deadline, '--reason', 'Set at the implementation', '--decided-on', '2018-06-01'),
        `The deadline is now ${scenario.deadline} (decided on 2018-06-01).\n`,
      );
      // In upload order, so that ids are 1, 2, 3, … as the example numbers them.
      for (const snapshot of scenario.snapshots) {
        const counts = Object.fromEntries(Object.entries(snapshot.counts).map(([userId, c]) => [userId, { esme: asRow(c.esme), gsme: asRow(c.gsme) }]));
        await insertSnapshot(t.db.knex, snapshot.asOf, counts);
      }
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const expected of scenario.expected) {
      it(`prints the expected positions as of ${expected.askedAsOf}, the same JSON as the API`, async () => {
        const printed = JSON.parse(await backfill('progress', '--as-of', expected.askedAsOf, '--json')) as ProgressJson;
        const served = await fromApi(`?asOf=${expected.askedAsOf}`);
        assert.equal(served.status, 200);
        assert.deepEqual(printed, served.body, 'CLI and API print the same object');

        assert.equal(printed.asOf, expected.asOf);
        assert.equal(printed.deadline, scenario.deadline);
        assert.deepEqual(
          printed.users.map((u) => u.userId),
          expected.users.map((u) => u.userId),
        );
        for (const want of expected.users) {
          const got = printed.users.find((u) => u.userId === want.userId) as ProgressJsonUser;
          const label = `${want.userId} as of ${expected.askedAsOf}`;
          assert.deepEqual(got.total, want.total, `${label} total`);
          assert.deepEqual(
            [got.baseline, got.declared, got.allowance, got.wdRemaining],
            [want.baseline, want.declared, want.allowance, want.wdRemaining],
            label,
          );
          closeTo(got.actualRate, want.actualRate, `${label} actualRate`);
          closeTo(got.requiredRate, want.requiredRate, `${label} requiredRate`);
          assert.deepEqual([got.projectedCompletion, got.rag, got.reason, got.flags], [want.projectedCompletion, want.rag, want.reason, want.flags], label);
        }
      });
    }

    it('prints exactly the keys of SPEC §6.3, in its order', async () => {
      const printed = JSON.parse(await backfill('progress', '--as-of', '2019-01-02', '--json')) as ProgressJson;
      assert.deepEqual(Object.keys(printed), ['asOf', 'snapshotId', 'deadline', 'users']);
      assert.deepEqual(Object.keys(printed.users[0]!), [
        'userId',
        'name',
        'esme',
        'gsme',
        'total',
        'completionPct',
        'baseline',
        'declared',
        'allowance',
        'actualRate',
        'requiredRate',
        'wdRemaining',
        'projectedCompletion',
        'rag',
        'reason',
        'flags',
      ]);
      assert.deepEqual(Object.keys(printed.users[0]!.esme), ['inScope', 'completed', 'invalid', 'outstanding', 'newMissing']);
      assert.deepEqual(
        printed.users.map((u) => u.name),
        ['Alpha Energy', 'Beta Gas & Power', '90-B3-D5-1F-30-01-00-0C'],
      );
    });

    it('prints a table a person can read without --json, with the earliest feasible deadline', async () => {
      const text = await backfill('progress', '--as-of', '2019-01-05');
      assert.match(text, /^Positions as of 2019-01-02 \(snapshot 6, the newest on or before 2019-01-05\)\. Deadline: 2019-03-29\.\n/);
      // Alpha as of 2019-01-02: 1010 ESME + 590 GSME = 1600 outstanding, 84.0 % done (8400 of 10000).
      assert.match(text, /\n90-B3-D5-1F-30-01-00-0A +Alpha Energy +1,010 +590 +1,600 +84\.0 +10,000 +10,000 +100 /);
      assert.match(text, /\nProgramme +3 Users /);
      // The unit test works it out: Beta's 1850 at 60 a WD is 31 WD after 01-02, Thu 2019-02-14.
      assert.match(text, /\nEarliest feasible deadline: 2019-02-14, set by Beta Gas & Power \(90-B3-D5-1F-30-01-00-0B\)\.\n$/);
    });

    it('plans a proposed deadline: each User’s status, as JSON', async () => {
      // One WD before the earliest feasible date, Beta needs 1850 / 30 = 61.7 a WD > 60: RED, so it
      // comes first; then the GREENs by outstanding (Alpha 1,600, Gamma 0). Now (deadline 2019-03-29)
      // Beta is AMBER (projected 2020-04-08): it is the one User that changes.
      const plan = JSON.parse(await backfill('deadline', 'what-if', '2019-02-13', '--as-of', '2019-01-02', '--json')) as {
        users: Array<{ userId: string; rag: string; reason: string; current: { rag: string } }>;
        changed: unknown;
        wdToProposed: number;
        earliestFeasible: unknown;
      };
      assert.deepEqual(
        plan.users.map((u) => [u.userId, u.current.rag, u.rag, u.reason]),
        [
          ['90-B3-D5-1F-30-01-00-0B', 'AMBER', 'RED', 'cannot finish within allowance'],
          ['90-B3-D5-1F-30-01-00-0A', 'GREEN', 'GREEN', 'on track'],
          ['90-B3-D5-1F-30-01-00-0C', 'GREEN', 'GREEN', 'complete'],
        ],
      );
      assert.deepEqual(plan.changed, [{ userId: '90-B3-D5-1F-30-01-00-0B', name: 'Beta Gas & Power', from: 'AMBER', to: 'RED' }]);
      assert.equal(plan.wdToProposed, 30);
      assert.deepEqual(plan.earliestFeasible, {
        status: 'feasible',
        date: '2019-02-14',
        limitingUsers: [{ userId: '90-B3-D5-1F-30-01-00-0B', name: 'Beta Gas & Power' }],
        leftOut: [],
      });
    });

    it('plans with every allowance scaled, saying the Working Days once', async () => {
      // ×1.5: Beta's 60 → 90 a WD, so 61.7 needed is within it: AMBER as now, nobody changes. Alpha
      // 1600 / 150 → 11 WD (Thu 01-17), Beta 1850 / 90 → 21 WD (Thu 01-31): the earliest is Beta's.
      const text = await backfill('deadline', 'what-if', '2019-02-13', '--as-of', '2019-01-02', '--allowance-factor', '1.5');
      assert.match(text, /^With the deadline 2019-02-13 and every allowance × 1\.5, as of 2019-01-02 \(snapshot 6\): 0 RED, 1 AMBER, 2 GREEN\.\n/);
      assert.match(
        text,
        /\nNow \(deadline 2019-03-29\): 0 RED, 1 AMBER, 2 GREEN\.\nWorking Days from 2019-01-02 to 2019-02-13: 30\.\nNo User changes status\.\n/,
      );
      assert.match(text, /\nEarliest feasible deadline: 2019-01-31, set by Beta Gas & Power \(90-B3-D5-1F-30-01-00-0B\)\.\n/);
      assert.match(text, /\n90-B3-D5-1F-30-01-00-0B +Beta Gas & Power +1,850 +90 +61\.7 +2020-04-08 +AMBER +AMBER +projected after deadline/);
      assert.equal(text.match(/Working Days/g)?.length, 1);

      const wrong = await runCliInProcess(['deadline', 'what-if', '2019-02-13', '--allowance-factor', 'half'], { env });
      assert.deepEqual(
        [wrong.code, wrong.stderr],
        [1, '--allowance-factor: "half" is not a multiplier: write a number above 0 and at most 100, with at most two decimals, e.g. 1.5\n'],
      );
    });

    it('refuses bad input with the line and field, exit code 1, changing nothing', async () => {
      const bad = file('bad.csv', [
        'user_id,count,received_on',
        '90-B3-D5-1F-30-01-00-0A,12000,2018-09-03',
        '90-B3-D5-1F-30-01-00-0D,5,2018-07-05',
        '90-B3-D5-1F-30-01-00-0B,many,2018-07-09',
      ]);
      const refused = await runCliInProcess(['declarations', 'import', bad], { env });
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr,
        'Nothing was imported from bad.csv: it has 2 problems.\n' +
          '  line 3, user_id: 90-B3-D5-1F-30-01-00-0D is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)\n' +
          '  line 4, count: "many" is not a whole number of 0 or more\n',
      );
      const exported = await backfill('declarations', 'export');
      assert.equal(exported, 'user_id,count,received_on\r\n90-B3-D5-1F-30-01-00-0A,10000,2018-07-05\r\n90-B3-D5-1F-30-01-00-0B,3000,2018-07-09\r\n');

      const missing = await runCliInProcess(['users', 'import', path.join(dir, 'no-such.csv')], { env });
      assert.deepEqual([missing.code, missing.stderr], [1, `There is no file ${path.join(dir, 'no-such.csv')}.\n`]);
      const setting = await runCliInProcess(['settings', 'set', 'rate-window', '0'], { env });
      assert.deepEqual([setting.code, setting.stderr], [1, 'The rate window must be a whole number from 1 to 250.\n']);
      const date = await runCliInProcess(['progress', '--as-of', '2019-02-30'], { env });
      assert.deepEqual([date.code, date.stderr], [1, '--as-of must be a real date written YYYY-MM-DD (got "2019-02-30").\n']);
      const deadline = await runCliInProcess(['deadline', 'set', '2019-06-31', '--reason', 'typo'], { env });
      assert.deepEqual([deadline.code, deadline.stderr], [1, '"2019-06-31" is not a real date written YYYY-MM-DD\n']);
    });

    it('answers the API with a 422 naming asOf, and 401 without a token', async () => {
      const bad = await fromApi('?asOf=yesterday');
      assert.equal(bad.status, 422);
      assert.deepEqual((bad.body.error as { fields: unknown }).fields, [
        { field: 'asOf', message: 'asOf must be a real date written YYYY-MM-DD (got "yesterday").' },
      ]);
      const early = await fromApi('?asOf=2018-06-30');
      assert.deepEqual(early.body, { asOf: null, snapshotId: null, deadline: '2019-03-29', users: [] });
      assert.equal((await api.get('/api/v1/progress')).status, 401);
    });

    it('changes a setting, and the CLI and the API follow it alike', async () => {
      // As of 08-29 with a 35 WD rate window, 07-16 is only 31 WD back; 07-02 is 10 + 31 = 41, so S0
      // = 07-02 and Alpha's rate is (10000 − 6900) / 41 = 75.6 instead of 2200 / 31 = 71.0.
      assert.equal(await backfill('settings', 'set', 'rate-window', '35'), 'rate-window: 10 → 35\n');
      const printed = JSON.parse(await backfill('progress', '--as-of', '2018-08-29', '--json')) as ProgressJson;
      assert.deepEqual(printed, (await fromApi('?asOf=2018-08-29')).body);
      closeTo(printed.users[0]!.actualRate, 3100 / 41, 'Alpha');
      await backfill('settings', 'set', 'rate-window', '10');
    });

    it('adds and removes a bank holiday from the CLI, and the rates follow', async () => {
      // Alpha as of 2018-07-16: S0 = 07-02, 10 WD back, rate (10000 − 7800) / 10 = 220. With Friday
      // 13 July a holiday there are 9 WD between them: 2200 / 9 = 244.4.
      const rateOf = async () => (JSON.parse(await backfill('progress', '--as-of', '2018-07-16', '--json')) as ProgressJson).users[0]!.actualRate;
      const before = await rateOf();
      assert.equal(await backfill('holidays', 'add', '2018-07-13', 'Test', 'closure'), '2018-07-13 (Test closure) is now a holiday, not a Working Day.\n');
      assert.match(await backfill('holidays', 'export'), /\r\n2018-07-13,Test closure,manual\r\n/);
      closeTo(await rateOf(), (before! * 10) / 9, 'Alpha with one WD fewer');
      assert.equal(await backfill('holidays', 'remove', '2018-07-13'), '2018-07-13 (Test closure) is a Working Day again.\n');
      closeTo(await rateOf(), before, 'Alpha as before');
      const weekend = await runCliInProcess(['holidays', 'add', '2018-07-14', 'Saturday'], { env });
      assert.equal(weekend.code, 1);
      assert.match(weekend.stderr, /2018-07-14/);
      const audit = await t.db.knex('audit_log').whereIn('action', ['holiday.add', 'holiday.remove']).orderBy('id');
      assert.deepEqual(
        audit.map((a) => [a.action, a.actor, a.entity_id]),
        [
          ['holiday.add', audit[0]!.actor, '2018-07-13'],
          ['holiday.remove', audit[0]!.actor, '2018-07-13'],
        ],
      );
      assert.match(audit[0]!.actor, /^cli:/);
    });

    it('imports and exports the MAP register from the CLI, audited', async () => {
      const maps = file('maps.csv', ['map_id,name', 'UFLM,"Meters & Co"', 'ab12,Second MAP']);
      assert.equal(await backfill('map-register', 'import', maps), 'Imported maps.csv: 2 rows — 2 added, 0 changed, 0 unchanged.\n');
      assert.equal(await backfill('map-register', 'export'), 'map_id,name\r\nAB12,Second MAP\r\nUFLM,Meters & Co\r\n');
      const bad = await runCliInProcess(['map-register', 'import', file('bad-maps.csv', ['map_id,name', 'TOOLONG,X'])], { env });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^Nothing was imported from bad-maps\.csv: .*\n {2}line 2, map_id: /);
      const audit = await t.db.knex('audit_log').where('action', 'like', 'map-register.%').orderBy('id');
      assert.deepEqual(
        audit.map((a) => [a.action, a.entity_id]),
        [
          ['map-register.add', 'UFLM'],
          ['map-register.add', 'AB12'],
          ['map-register.import', 'maps.csv'],
        ],
      );
      assert.deepEqual(JSON.parse(audit[0]!.after), { name: 'Meters & Co' });
    });
  });
}
