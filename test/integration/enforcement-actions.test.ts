// The enforcement trail (per User, a dated log of actions) through every face: the service with
// the overdue rule worked out by hand, the report's actionsForReport, the audit entry, the User
// page's form for SECAS (and only SECAS), the CSV download, the API and `backfill actions`. On
// SQLite, and MariaDB when TEST_MYSQL_URL is set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actionsForReport, addEnforcementAction, type ActionView } from '../../server/actions/enforcement-actions.ts';
import type { Actor, Role } from '../../server/auth/roles.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { londonToday } from '../../server/engine/calendar.ts';
import { ValidationError } from '../../server/errors.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { TestClient, type Response } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { insertSnapshot } from './programme-fixtures.ts';

const PASSWORD = 'enforcement actions 123';
const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';
const GAMMA = '90-B3-D5-1F-30-01-00-0C';
/** Has a snapshot, so it has a User page. */
const DELTA = '90-B3-D5-1F-30-01-00-0D';
/** For the command line. */
const EPSILON = '90-B3-D5-1F-30-01-00-0E';
const NOBODY = '90-B3-D5-1F-30-01-00-FF';

const SECAS: Actor = { kind: 'account', name: 'sam@secas.example' };

/** The visible text of an HTML fragment, one space between words. */
const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();

function tableRows(page: Response, tableId: string): string[] {
  const table = new RegExp(`<table[^>]*id="${tableId}"[\\s\\S]*?</table>`).exec(page.text)?.[0] ?? '';
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].slice(1).map((m) => text(m[1]!));
}

const brief = (actions: readonly ActionView[]): string[] => actions.map((a) => `${a.takenOn} ${a.kind}${a.dueOn ? ` due ${a.dueOn}` : ''}`);

/** The field errors of a refusal, as field → sentence. */
async function refusal(work: Promise<unknown>): Promise<Record<string, string>> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof ValidationError, String(err));
    return Object.fromEntries(err.fields.map((f) => [f.field, f.message]));
  }
  assert.fail('expected a refusal');
}

for (const kind of databasesFor('sql')) {
  describe(`enforcement actions on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as = new Map<Role, TestClient>();
    const tokens = new Map<Role, string>();

    before(async () => {
      t = await kind.create();
      const users = [`${ALPHA},Alpha Energy`, `${BETA},Beta Power`, `${GAMMA},Gamma Gas`, `${DELTA},Delta Supply`, `${EPSILON},Epsilon Utilities`];
      await importUsers(t.db.knex, Buffer.from(`user_id,name\n${users.join('\n')}\n`), 'users.csv', { kind: 'system', name: 'test' });
      await insertSnapshot(t.db.knex, '2026-08-14', { [DELTA]: { esme: [100, 10] } });
      await addRoleAccounts(t.db.knex, PASSWORD);
      for (const role of ['secas', 'panel', 'dcc'] as const) {
        tokens.set(role, (await createApiToken(t.db.knex, { name: `${role} system`, role }, { kind: 'system', name: 'test' })).token);
      }
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      as = await loggedInClients(server.url, PASSWORD);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('works out each User’s recent and overdue actions for a report, as worked by hand', async () => {
      const add = (userId: string, kind: string, takenOn: string, dueOn = '') =>
        addEnforcementAction(t.db.knex, { user_id: userId, kind, taken_on: takenOn, due_on: dueOn, text: `${kind} of ${takenOn}` }, SECAS);
      // Alpha: a letter due 16 Mar, answered on 20 Mar; an escalation due 15 Apr, never answered; a
      // letter due 1 May. Beta: a meeting due 31 Mar and a letter due 24 Apr, neither answered.
      // Recorded out of date order, as a backlog typed in would be.
      await add(ALPHA, 'letter-sent', '2026-03-02', '2026-03-16');
      await add(BETA, 'meeting', '2026-03-05', '2026-03-31');
      await add(ALPHA, 'escalation', '2026-04-01', '2026-04-15');
      await add(ALPHA, 'note', '2026-03-10');
      await add(ALPHA, 'response-received', '2026-03-20');
      await add(BETA, 'letter-sent', '2026-04-10', '2026-04-24');
      await add(ALPHA, 'letter-sent', '2026-04-20', '2026-05-01');

      // The April report (previous report as of 31 Mar).
      const april = await actionsForReport(t.db.knex, { userIds: [ALPHA, BETA, GAMMA], since: '2026-03-31', asOf: '2026-04-30' });
      assert.deepEqual([...april.keys()], [ALPHA, BETA, GAMMA], 'every User asked has an entry');
      assert.deepEqual(brief(april.get(ALPHA)!.recent), ['2026-04-01 escalation due 2026-04-15', '2026-04-20 letter-sent due 2026-05-01']);
      // The March letter was answered on 20 Mar; the 1 May letter is not yet due on 30 Apr.
      assert.deepEqual(brief(april.get(ALPHA)!.overdue), ['2026-04-01 escalation due 2026-04-15']);
      assert.deepEqual(brief(april.get(BETA)!.recent), ['2026-04-10 letter-sent due 2026-04-24']);
      assert.deepEqual(brief(april.get(BETA)!.overdue), ['2026-03-05 meeting due 2026-03-31', '2026-04-10 letter-sent due 2026-04-24']);
      assert.deepEqual(april.get(GAMMA), { recent: [], overdue: [] });
      const escalation = april.get(ALPHA)!.overdue[0]!;
      assert.deepEqual(
        { ...escalation, id: 0 },
        {
          id: 0,
          userId: ALPHA,
          kind: 'escalation',
          kindLabel: 'Escalation',
          takenOn: '2026-04-01',
          dueOn: '2026-04-15',
          text: 'escalation of 2026-04-01',
          recordedBy: SECAS.name,
        },
      );

      // As of 18 Mar, the response of 20 Mar has not come yet: the letter is overdue; the note
      // (SECAS's own step) does not answer it. Nothing taken after 18 Mar is shown.
      const march = await actionsForReport(t.db.knex, { userIds: [ALPHA, BETA], since: null, asOf: '2026-03-18' });
      assert.deepEqual(brief(march.get(ALPHA)!.recent), ['2026-03-02 letter-sent due 2026-03-16', '2026-03-10 note']);
      assert.deepEqual(brief(march.get(ALPHA)!.overdue), ['2026-03-02 letter-sent due 2026-03-16']);
      assert.deepEqual(brief(march.get(BETA)!.overdue), []);
      // On the due date itself an action is still in time.
      const dueDay = await actionsForReport(t.db.knex, { userIds: [ALPHA], since: '2026-03-16', asOf: '2026-03-16' });
      assert.deepEqual(dueDay.get(ALPHA), { recent: [], overdue: [] });
    });

    it('refuses a wrong action field by field, and an unknown User', async () => {
      const form = { user_id: GAMMA, kind: 'letter-sent', taken_on: '2026-05-04', due_on: '', text: 'Letter ref SEC/42' };
      assert.deepEqual(await refusal(addEnforcementAction(t.db.knex, { ...form, kind: 'phone call', taken_on: '2026-02-30', text: '   ' }, SECAS)), {
        kind: '"phone call" is not a kind of action: choose one of letter-sent, meeting, response-received, escalation, panel-decision, note',
        taken_on: '"2026-02-30" is not a real date written YYYY-MM-DD',
        text: 'The text is empty; say what was done, sent or received',
      });
      assert.deepEqual(await refusal(addEnforcementAction(t.db.knex, { ...form, taken_on: '2026-05-05' }, SECAS, {}, '2026-05-04')), {
        taken_on: '2026-05-05 is after today (2026-05-04); record an action once it has happened',
      });
      assert.deepEqual(await refusal(addEnforcementAction(t.db.knex, { ...form, due_on: '2026-05-03' }, SECAS)), {
        due_on: "The due date 2026-05-03 is before the action's date 2026-05-04",
      });
      assert.deepEqual(await refusal(addEnforcementAction(t.db.knex, { ...form, text: 'x'.repeat(4001) }, SECAS)), {
        text: 'The text is 4,001 characters long; at most 4,000 are kept',
      });
      assert.deepEqual(await refusal(addEnforcementAction(t.db.knex, { ...form, user_id: NOBODY }, SECAS)), {
        user_id: `${NOBODY} is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)`,
      });
      // Every problem at once, in the order of the fields.
      const all = await refusal(addEnforcementAction(t.db.knex, { ...form, user_id: NOBODY, due_on: '2026-05-01', text: '' }, SECAS));
      assert.deepEqual(Object.keys(all), ['user_id', 'due_on', 'text']);
      assert.equal((await t.db.knex('enforcement_actions').where({ user_id: GAMMA })).length, 0, 'nothing refused is stored');

      // The kind's label and a User ID written bare are accepted; 4,000 characters are kept whole.
      const added = await addEnforcementAction(t.db.knex, { ...form, user_id: '90b3d51f3001000c', kind: 'Panel decision', text: 'y'.repeat(4000) }, SECAS);
      assert.deepEqual([added.userId, added.kind, added.text.length, added.overdue], [GAMMA, 'panel-decision', 4000, false]);
    });

    it('audits each action added, in the same transaction', async () => {
      const added = await addEnforcementAction(
        t.db.knex,
        { user_id: GAMMA, kind: 'meeting', taken_on: '2026-06-01', due_on: '2026-06-30', text: 'Recovery plan agreed' },
        SECAS,
        { requestId: 'req-1', ip: '10.0.0.1' },
      );
      const audit = await t.db
        .knex('audit_log')
        .where({ action: 'action.add', entity_id: String(added.id) })
        .first();
      assert.equal(audit.entity, 'enforcement_action');
      assert.deepEqual([audit.actor_kind, audit.actor, audit.request_id, audit.ip], ['account', SECAS.name, 'req-1', '10.0.0.1']);
      assert.deepEqual(JSON.parse(audit.after), { userId: GAMMA, kind: 'meeting', takenOn: '2026-06-01', dueOn: '2026-06-30', text: 'Recovery plan agreed' });
      assert.equal(audit.before, null);
    });

    it('lets SECAS record an action on the User page, shown newest first and escaped', async () => {
      const secas = as.get('secas')!;
      const page = await secas.get(`/users/${DELTA}`);
      assert.equal(page.status, 200);
      assert.match(text(page.text), /Enforcement actions No enforcement action has been recorded for this User\./);
      assert.match(page.text, /<form method="post" action="\/users\/90-B3-D5-1F-30-01-00-0D\/actions#actions-title"/);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;

      const first = await secas.postForm(`/users/${DELTA}/actions`, {
        _csrf: token,
        kind: 'letter-sent',
        taken_on: '2026-09-01',
        due_on: '2026-09-15',
        text: 'Warning letter <script>alert(1)</script>\r\nsecond line',
      });
      assert.deepEqual([first.status, first.location], [303, `/users/${DELTA}#actions-title`]);
      const second = await secas.postForm(`/users/${DELTA}/actions`, { _csrf: token, kind: 'note', taken_on: '2026-09-20', text: 'Chased by phone' });
      assert.equal(second.status, 303);

      const shown = await secas.get(`/users/${DELTA}`);
      assert.equal(text(/<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(shown.text)![1]!), 'Recorded: note on 20 Sep 2026.');
      assert.doesNotMatch(shown.text, /<script>alert/);
      assert.match(shown.text, /Warning letter &lt;script&gt;alert\(1\)&lt;\/script&gt;\nsecond line/);
      const rows = tableRows(shown, 'actions-table');
      assert.equal(rows.length, 2);
      assert.match(rows[0]!, /^20 Sep 2026 Note Chased by phone — secas@example\.org \S.*$/);
      assert.match(
        rows[1]!,
        /^1 Sep 2026 Letter sent Warning letter &lt;script&gt;alert\(1\)&lt;\/script&gt; second line 15 Sep 2026 overdue secas@example\.org \S.*$/,
      );
      assert.match(text(shown.text), /2 recorded, newest first\. 1 overdue ?: due before today and no response received from the User since\./);
      assert.match(shown.text, /<a href="\/actions.csv">Download all actions as CSV<\/a>/);
    });

    it('shows SECAS the form again with what is wrong beside each field', async () => {
      const secas = as.get('secas')!;
      const token = await secas.csrfToken(`/users/${DELTA}`);
      const refused = await secas.postForm(`/users/${DELTA}/actions`, {
        _csrf: token,
        kind: '',
        taken_on: '2099-01-01',
        due_on: 'soon',
        text: 'Kept as typed',
      });
      assert.equal(refused.status, 422);
      const summary = /<div class="error-summary"[^>]*aria-labelledby="action-error-title"[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '';
      assert.equal(
        text(summary),
        'There is a problem Please correct the fields marked below. ' +
          'no kind of action is given: choose one of letter-sent, meeting, response-received, escalation, panel-decision, note ' +
          `2099-01-01 is after today (${londonToday()}); record an action once it has happened ` +
          '"soon" is not a real date written YYYY-MM-DD',
      );
      assert.match(summary, /<a href="#action-kind">/);
      assert.match(refused.text, /<p class="field-error" id="action-kind-error">/);
      assert.match(
        refused.text,
        /<p class="field-error" id="action-due_on-error"><span class="visually-hidden">Error:<\/span> &quot;soon&quot; is not a real date/,
      );
      assert.match(refused.text, /<textarea id="action-text" name="text"[^>]*>Kept as typed<\/textarea>/);
      assert.match(refused.text, /id="action-taken_on" name="taken_on" type="text" value="2099-01-01"/);
      assert.equal((await t.db.knex('enforcement_actions').where({ user_id: DELTA })).length, 2);
    });

    it('shows the Panel and the DCC the trail without the form, and refuses their posts', async () => {
      for (const role of ['panel', 'dcc'] as const) {
        const client = as.get(role)!;
        const page = await client.get(`/users/${DELTA}`);
        assert.equal(page.status, 200);
        assert.equal(tableRows(page, 'actions-table').length, 2, role);
        assert.doesNotMatch(page.text, /Record an action|action="\/users\/[^"]*\/actions"/, role);
        const token = await client.csrfToken(`/users/${DELTA}`);
        const refused = await client.postForm(`/users/${DELTA}/actions`, { _csrf: token, kind: 'note', taken_on: '2026-09-21', text: 'Not allowed' });
        assert.equal(refused.status, 403, role);
        const csv = await client.get('/actions.csv');
        assert.equal(csv.status, 200, role);
      }
      assert.equal((await t.db.knex('enforcement_actions').where({ user_id: DELTA })).length, 2);
    });

    it('exports every action as CSV, a formula neutralised', async () => {
      await addEnforcementAction(t.db.knex, { user_id: BETA, kind: 'note', taken_on: '2026-07-01', text: '=HYPERLINK("http://evil","x")' }, SECAS);
      const csv = await as.get('panel')!.get('/actions.csv');
      assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="?enforcement-actions\.csv"?$/);
      const lines = csv.text.split('\r\n');
      assert.equal(lines[0], 'user_id,user_name,kind,taken_on,due_on,text,recorded_by,recorded_at');
      const formula = lines.find((line) => line.includes('HYPERLINK'));
      assert.match(
        formula ?? '',
        new RegExp(`^${BETA},Beta Power,note,2026-07-01,,"'=HYPERLINK\\(""http://evil"",""x""\\)",sam@secas\\.example,\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z$`),
      );
      // Users in ID order, each User's actions by date: Alpha's first.
      assert.match(lines[1]!, new RegExp(`^${ALPHA},Alpha Energy,letter-sent,2026-03-02,2026-03-16,letter-sent of 2026-03-02,`));
      assert.equal(lines.filter((line) => line.startsWith(BETA)).length, 3);
    });

    it('answers the API: every role reads, SECAS alone adds, fields named as sent', async () => {
      const api = new TestClient(server.url);
      const bearer = (role: Role) => ({ authorization: `Bearer ${tokens.get(role)!}` });
      const post = (role: Role, body: unknown) =>
        api.request('POST', '/api/v1/actions', { body: JSON.stringify(body), headers: { ...bearer(role), 'content-type': 'application/json' } });

      const created = await post('secas', { userId: DELTA, kind: 'response-received', takenOn: '2026-09-25', text: 'Plan received' });
      assert.equal(created.status, 201, created.text);
      const body = JSON.parse(created.text);
      assert.deepEqual(Object.keys(body), ['id', 'userId', 'userName', 'kind', 'takenOn', 'dueOn', 'text', 'recordedBy', 'recordedAt', 'overdue']);
      assert.deepEqual(
        { ...body, id: 0, recordedAt: '' },
        {
          id: 0,
          userId: DELTA,
          userName: 'Delta Supply',
          kind: 'response-received',
          takenOn: '2026-09-25',
          dueOn: null,
          text: 'Plan received',
          recordedBy: 'secas system',
          recordedAt: '',
          overdue: false,
        },
      );
      const audit = await t.db
        .knex('audit_log')
        .where({ action: 'action.add', entity_id: String(body.id) })
        .first();
      assert.deepEqual([audit.actor_kind, audit.actor], ['token', 'secas system']);

      const bad = await post('secas', { userId: DELTA, kind: 'note', takenOn: '2026-09-26', dueOn: '2026-09-01', text: 'x' });
      assert.equal(bad.status, 422);
      assert.deepEqual(JSON.parse(bad.text).error.fields, [{ field: 'dueOn', message: "The due date 2026-09-01 is before the action's date 2026-09-26" }]);
      const shape = await post('secas', { userId: DELTA, kind: 'note', on: '2026-09-26', text: 5 });
      assert.equal(shape.status, 422);
      assert.deepEqual(
        JSON.parse(shape.text).error.fields.map((f: { field: string }) => f.field),
        ['takenOn', 'text', 'on'],
      );
      const notJson = await api.request('POST', '/api/v1/actions', {
        body: 'kind=note',
        headers: { ...bearer('secas'), 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(notJson.status, 400);
      const broken = await api.request('POST', '/api/v1/actions', { body: '{"userId":', headers: { ...bearer('secas'), 'content-type': 'application/json' } });
      assert.equal(broken.status, 400);
      for (const role of ['panel', 'dcc'] as const) {
        const refused = await post(role, { userId: DELTA, kind: 'note', takenOn: '2026-09-26', text: 'x' });
        assert.equal(refused.status, 403, role);
        assert.equal(JSON.parse(refused.text).error.code, 'forbidden');
      }

      // The response of 25 Sep answers the letter of 1 Sep: it is no longer overdue.
      for (const role of ['secas', 'panel', 'dcc'] as const) {
        const list = await api.get(`/api/v1/actions?user=${DELTA.toLowerCase()}`, bearer(role));
        assert.equal(list.status, 200, role);
        const actions = JSON.parse(list.text).actions as Array<{ takenOn: string; kind: string; overdue: boolean }>;
        assert.deepEqual(
          actions.map((a) => `${a.takenOn} ${a.kind} ${a.overdue}`),
          ['2026-09-01 letter-sent false', '2026-09-20 note false', '2026-09-25 response-received false'],
        );
      }
      const all = JSON.parse((await api.get('/api/v1/actions', bearer('dcc'))).text).actions as unknown[];
      assert.equal(all.length, Number((await t.db.knex('enforcement_actions').count({ n: '*' }))[0]!.n));
      assert.equal((await api.get(`/api/v1/actions?user=${NOBODY}`, bearer('panel'))).status, 404);
      assert.equal((await api.get('/api/v1/actions?user=nonsense', bearer('panel'))).status, 422);
      assert.equal((await api.get('/api/v1/actions')).status, 401);
    });

    it('runs backfill actions add, list and export', async () => {
      const env = { DATABASE_URL: t.url, DATA_DIR: server.dataDir };
      const added = await runCliInProcess(
        [
          'actions',
          'add',
          '--user',
          EPSILON,
          '--kind',
          'escalation',
          '--on',
          '2026-10-01',
          '--due',
          '2026-10-15',
          '--text',
          'Escalated to the Panel secretary',
        ],
        { env },
      );
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /^Recorded for Epsilon Utilities \(90-B3-D5-1F-30-01-00-0E\): escalation on 1 Oct 2026, due 15 Oct 2026 \(action \d+\)\.\n$/);
      const audit = await t.db.knex('audit_log').where({ action: 'action.add' }).orderBy('id', 'desc').first();
      assert.equal(audit.actor_kind, 'cli');

      const refused = await runCliInProcess(['actions', 'add', '--user', EPSILON, '--kind', 'lunch', '--on', '2026-10-02', '--text', 'x'], { env });
      assert.equal(refused.code, 1);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /^"lunch" is not a kind of action: choose one of letter-sent, meeting/);
      const unknown = await runCliInProcess(['actions', 'list', '--user', NOBODY], { env });
      assert.deepEqual([unknown.code, unknown.stderr], [1, `${NOBODY} is not in the Users register.\n`]);

      const table = await runCliInProcess(['actions', 'list', '--user', EPSILON], { env });
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^Date\s+User\s+Name\s+Action\s+Due\s+Recorded by\s+Text$/);
      // Overdue today: due 15 Oct 2026, no response since.
      assert.match(
        lines[2]!,
        /^2026-10-01 {2}90-B3-D5-1F-30-01-00-0E {2}Epsilon Utilities {2}Escalation {2}2026-10-15 {2}overdue {2}cli:\S+ +Escalated to the Panel secretary$/,
      );

      const json = await runCliInProcess(['actions', 'list', '--json'], { env });
      const parsed = JSON.parse(json.stdout) as Array<{ userId: string; overdue: boolean; kind: string }>;
      assert.equal(parsed.length, Number((await t.db.knex('enforcement_actions').count({ n: '*' }))[0]!.n));
      assert.deepEqual(
        parsed.filter((a) => a.userId === EPSILON).map((a) => [a.kind, a.overdue]),
        [['escalation', true]],
      );

      const exported = await runCliInProcess(['actions', 'export'], { env });
      assert.equal(exported.code, 0);
      assert.equal(exported.stdout, (await as.get('secas')!.get('/actions.csv')).text, 'the same file as the download');
    });
  });
}
