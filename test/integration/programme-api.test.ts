// The DCC's API for what it records (SPEC §3.3, §6.2): declarations and allowances as a JSON array
// or the CSV file the pages import, through the same import — all or nothing, each problem with its
// line (or record) and field, audited the same way — read back as JSON; and one User's position,
// the same entry as in GET /api/v1/progress. Bearer tokens for the pages' roles only.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { createApiToken } from '../../server/auth/tokens.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { insertSnapshot } from './programme-fixtures.ts';

const SYSTEM = { kind: 'system', name: 'test' } as const;
const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BRAVO = '90-B3-D5-1F-30-01-00-0B';
const UNKNOWN = '90-B3-D5-1F-30-01-00-FF';

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks
}

async function audit(knex: Knex, action: string): Promise<Array<{ actor: string; entity_id: string; before: unknown; after: unknown }>> {
  const rows: Array<{ actor: string; entity_id: string; before: string | null; after: string | null }> = await knex('audit_log')
    .where({ action })
    .orderBy('id')
    .select('actor', 'entity_id', 'before', 'after');
  return rows.map((r) => ({ ...r, before: r.before && JSON.parse(r.before), after: r.after && JSON.parse(r.after) }));
}

for (const kind of databasesFor('sql')) {
  describe(`declarations, allowances and one User's progress on the API, on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    const tokens: Record<string, string> = {};

    const call = async (
      method: string,
      path: string,
      options: { token?: string | null; json?: unknown; csv?: string; headers?: Record<string, string> } = {},
    ): Promise<Answer> => {
      const token = options.token === undefined ? tokens.dcc : options.token;
      const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers };
      let body: string | undefined;
      if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['content-type'] ??= 'application/json';
      } else if (options.csv !== undefined) {
        body = options.csv;
        headers['content-type'] ??= 'text/csv';
      }
      const res = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };

    before(async () => {
      t = await kind.create();
      for (const role of ['dcc', 'panel', 'secas'] as const) tokens[role] = (await createApiToken(t.db.knex, { name: `${role} system`, role }, SYSTEM)).token;
      server = await startTestServer(t.url);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });
    beforeEach(async () => {
      for (const table of ['declarations', 'declaration_history', 'allowances', 'audit_log', 'snapshot_counts']) await t.db.knex(table).delete();
      await t.db.knex('snapshots').update({ superseded_by: null });
      await t.db.knex('snapshots').delete();
      await t.db.knex('dcc_users').delete();
      await importUsers(t.db.knex, Buffer.from(`user_id,name\n${ALPHA},Alpha Energy\n${BRAVO},Bravo Power\n`), 'users.csv', SYSTEM);
    });

    it('records declarations sent as JSON, lists them, and audits each and the import', async () => {
      const sent = await call('POST', '/api/v1/declarations', {
        json: [
          { userId: ALPHA, count: 1200, receivedOn: '2024-01-15' },
          { userId: '90b3d51f3001000b', count: 300, receivedOn: '2024-01-16' },
        ],
      });
      assert.equal(sent.status, 201);
      assert.deepEqual(sent.body, { rows: 2, added: 2, changed: 0, unchanged: 0 });

      const listed = await call('GET', '/api/v1/declarations');
      assert.equal(listed.status, 200);
      assert.deepEqual(
        listed.body.declarations.map((d: Record<string, unknown>) => [d.userId, d.count, d.receivedOn, d.inForce, d.recordedBy]),
        [
          [ALPHA, 1200, '2024-01-15', true, 'dcc system'],
          [BRAVO, 300, '2024-01-16', true, 'dcc system'],
        ],
      );
      assert.match(listed.body.declarations[0].recordedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const added = await audit(t.db.knex, 'declaration.add');
      assert.deepEqual(
        added.map((a) => [a.actor, a.entity_id, a.after]),
        [
          ['dcc system', ALPHA, { count: 1200, receivedOn: '2024-01-15' }],
          ['dcc system', BRAVO, { count: 300, receivedOn: '2024-01-16' }],
        ],
      );
      assert.deepEqual(await audit(t.db.knex, 'declarations.import'), [
        { actor: 'dcc system', entity_id: 'api-request.json', before: null, after: { rows: 2, added: 2, changed: 0, unchanged: 0 } },
      ]);

      // The same again changes nothing (200); a later declaration replaces the one in force, which is kept.
      assert.deepEqual(await call('POST', '/api/v1/declarations', { json: [{ userId: ALPHA, count: 1200, receivedOn: '2024-01-15' }] }), {
        status: 200,
        body: { rows: 1, added: 0, changed: 0, unchanged: 1 },
      });
      assert.deepEqual(
        await call('POST', '/api/v1/declarations?fileName=correction.json', { json: [{ userId: ALPHA, count: 1250, receivedOn: '2024-02-01' }] }),
        {
          status: 200,
          body: { rows: 1, added: 0, changed: 1, unchanged: 0 },
        },
      );
      const after = (await call('GET', '/api/v1/declarations')).body.declarations.filter((d: { userId: string }) => d.userId === ALPHA);
      assert.deepEqual(
        after.map((d: Record<string, unknown>) => [d.count, d.receivedOn, d.inForce]),
        [
          [1200, '2024-01-15', false],
          [1250, '2024-02-01', true],
        ],
      );
      assert.deepEqual(
        (await audit(t.db.knex, 'declaration.replace')).map((a) => [a.before, a.after]),
        [
          [
            { count: 1200, receivedOn: '2024-01-15' },
            { count: 1250, receivedOn: '2024-02-01' },
          ],
        ],
      );
      assert.deepEqual(
        (await audit(t.db.knex, 'declarations.import')).map((a) => a.entity_id),
        ['api-request.json', 'api-request.json', 'correction.json'],
      );
    });

    it('refuses a JSON array with any problem, storing nothing, each problem with its record and field as the JSON names it', async () => {
      const refused = await call('POST', '/api/v1/declarations', {
        json: [
          { userId: ALPHA, count: 1200, receivedOn: '2024-01-15' },
          { userId: 'not-a-user', count: -3, receivedOn: '2024-02-30' },
          { userId: UNKNOWN, count: 5, receivedOn: '2024-01-15' },
          { userId: ALPHA, count: 7, receivedOn: '2024-01-15' },
        ],
      });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.code, 'invalid');
      assert.equal(refused.body.error.message, 'Nothing was imported from api-request.json: it has 5 problems.');
      assert.deepEqual(
        refused.body.error.fields.map((f: { line: number; field: string }) => [f.line, f.field]),
        [
          [2, 'userId'],
          [2, 'count'],
          [2, 'receivedOn'],
          [3, 'userId'],
          [4, 'userId and receivedOn'],
        ],
      );
      assert.match(refused.body.error.fields[2].message, /"2024-02-30" is not a real date/);
      assert.match(refused.body.error.fields[3].message, /is not in the Users register/);
      assert.equal(refused.body.error.fields[4].message, 'the same userId and receivedOn as record 1; each may appear once');
      assert.deepEqual((await call('GET', '/api/v1/declarations')).body, { declarations: [] });
      assert.deepEqual(await audit(t.db.knex, 'declarations.import'), []);

      // A record not shaped as described (a missing field, a string count, a misspelt key): refused before any rule runs.
      const shape = await call('POST', '/api/v1/declarations', {
        json: [
          { userId: ALPHA, count: 1 },
          { userId: ALPHA, count: '12', receivedOn: '2024-01-01' },
          { userId: BRAVO, count: 1, recievedOn: '2024-01-01' },
        ],
      });
      assert.equal(shape.status, 422);
      assert.deepEqual(
        shape.body.error.fields.map((f: { line: number; field: string }) => [f.line, f.field]),
        [
          [1, 'receivedOn'],
          [2, 'count'],
          [3, 'receivedOn'],
          [3, 'recievedOn'],
        ],
      );
      const notArray = await call('POST', '/api/v1/declarations', { json: { userId: ALPHA, count: 1, receivedOn: '2024-01-01' } });
      assert.equal(notArray.status, 422);
      assert.deepEqual(
        notArray.body.error.fields.map((f: { field: string }) => f.field),
        ['body'],
      );
    });

    it('imports the CSV file the page imports, with the same refusals by line and column', async () => {
      const refused = await call('POST', '/api/v1/declarations?fileName=declarations.csv', {
        csv: `user_id,count,received_on\n${ALPHA},1200,2024-01-15\n${BRAVO},lots,2024-01-16\n`,
      });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.message, 'Nothing was imported from declarations.csv: it has 1 problem.');
      assert.deepEqual(refused.body.error.fields, [{ field: 'count', line: 3, message: '"lots" is not a whole number of 0 or more' }]);
      assert.deepEqual((await call('GET', '/api/v1/declarations')).body, { declarations: [] });

      const sent = await call('POST', '/api/v1/declarations?fileName=declarations.csv', {
        csv: `user_id,count,received_on\n${ALPHA},"1,200",2024-01-15\n${BRAVO},300,2024-01-16\n`,
      });
      assert.deepEqual(sent, { status: 201, body: { rows: 2, added: 2, changed: 0, unchanged: 0 } });
      assert.deepEqual(
        (await audit(t.db.knex, 'declarations.import')).map((a) => [a.entity_id, a.after]),
        [['declarations.csv', { rows: 2, added: 2, changed: 0, unchanged: 0 }]],
      );
    });

    it('records allowances as JSON or CSV: added, corrected, refused whole', async () => {
      const sent = await call('POST', '/api/v1/allowances', {
        token: tokens.secas,
        json: [
          { userId: ALPHA, perDay: 40, effectiveFrom: '2024-02-01', confirmedOn: '2024-01-25' },
          { userId: ALPHA, perDay: 60, effectiveFrom: '2024-03-01', confirmedOn: '2024-02-20' },
        ],
      });
      assert.deepEqual(sent, { status: 201, body: { rows: 2, added: 2, changed: 0, unchanged: 0 } });
      const corrected = await call('POST', '/api/v1/allowances', {
        csv: `user_id,per_day,effective_from,confirmed_on\n${ALPHA},45,2024-02-01,2024-01-25\n`,
      });
      assert.deepEqual(corrected, { status: 200, body: { rows: 1, added: 0, changed: 1, unchanged: 0 } });
      const listed = await call('GET', '/api/v1/allowances');
      assert.deepEqual(
        listed.body.allowances.map((a: Record<string, unknown>) => [a.userId, a.perDay, a.effectiveFrom, a.confirmedOn, a.recordedBy]),
        [
          [ALPHA, 45, '2024-02-01', '2024-01-25', 'dcc system'],
          [ALPHA, 60, '2024-03-01', '2024-02-20', 'secas system'],
        ],
      );
      assert.deepEqual(
        (await audit(t.db.knex, 'allowance.change')).map((a) => [a.actor, a.entity_id, a.before, a.after]),
        [
          [
            'dcc system',
            `${ALPHA} from 2024-02-01`,
            { userId: ALPHA, perDay: 40, effectiveFrom: '2024-02-01', confirmedOn: '2024-01-25' },
            { userId: ALPHA, perDay: 45, effectiveFrom: '2024-02-01', confirmedOn: '2024-01-25' },
          ],
        ],
      );
      assert.deepEqual(
        (await audit(t.db.knex, 'allowances.import')).map((a) => [a.actor, a.entity_id]),
        [
          ['secas system', 'api-request.json'],
          ['dcc system', 'api-request.csv'],
        ],
      );

      const refused = await call('POST', '/api/v1/allowances', {
        json: [
          { userId: BRAVO, perDay: 10, effectiveFrom: '2024-02-01', confirmedOn: '2024-01-25' },
          { userId: BRAVO, perDay: 1.5, effectiveFrom: '2024-03-01', confirmedOn: 'soon' },
        ],
      });
      assert.equal(refused.status, 422);
      assert.deepEqual(
        refused.body.error.fields.map((f: { line: number; field: string; message: string }) => [f.line, f.field, f.message]),
        [
          [2, 'perDay', '"1.5" is not a whole number of 0 or more'],
          [2, 'confirmedOn', '"soon" is not a real date written YYYY-MM-DD'],
        ],
      );
      assert.equal((await call('GET', '/api/v1/allowances')).body.allowances.length, 2, 'nothing of the refused array was stored');
    });

    it('lets the DCC and SECAS in, refuses the Panel (403) and a call without a token (401), and a body that is neither JSON nor CSV (415)', async () => {
      for (const path of ['/api/v1/declarations', '/api/v1/allowances']) {
        assert.equal((await call('GET', path, { token: null })).status, 401, path);
        assert.equal((await call('POST', path, { token: null, json: [] })).status, 401, path);
        const panelGet = await call('GET', path, { token: tokens.panel });
        assert.equal(panelGet.status, 403, path);
        assert.equal(panelGet.body.error.code, 'forbidden');
        assert.equal((await call('POST', path, { token: tokens.panel, json: [] })).status, 403, path);
        assert.equal((await call('GET', path, { token: tokens.secas })).status, 200, path);
        const form = await call('POST', path, { csv: 'user_id=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assert.equal(form.status, 415, path);
        assert.match(form.body.error.message, /JSON array .* or as the CSV file/);
        const broken = await call('POST', path, { csv: '[{"userId":', headers: { 'content-type': 'application/json' } });
        assert.equal(broken.status, 400, path);
      }
      const imports = await t.db.knex('audit_log').whereIn('action', ['declarations.import', 'allowances.import']).count({ n: '*' }).first();
      assert.equal(Number(imports?.n), 0, 'nothing refused was audited as imported');
    });

    it("answers one User's position as its entry in GET /api/v1/progress, for the same date", async () => {
      await call('POST', '/api/v1/declarations', { json: [{ userId: ALPHA, count: 120, receivedOn: '2024-01-05' }] });
      await insertSnapshot(t.db.knex, '2024-01-12', { [ALPHA]: { esme: [100, 10] }, [BRAVO]: { gsme: [50, 5] } });
      await insertSnapshot(t.db.knex, '2024-01-26', { [ALPHA]: { esme: [100, 30], gsme: [20, 0] }, [BRAVO]: { gsme: [50, 25] } });

      for (const asOf of ['2024-01-20', '2024-02-10']) {
        const all = await call('GET', `/api/v1/progress?asOf=${asOf}`, { token: tokens.panel });
        assert.equal(all.status, 200);
        for (const userId of [ALPHA, BRAVO]) {
          const one = await call('GET', `/api/v1/progress/${userId}?asOf=${asOf}`, { token: tokens.panel });
          assert.equal(one.status, 200);
          assert.deepEqual(one.body, {
            asOf: all.body.asOf,
            snapshotId: all.body.snapshotId,
            deadline: all.body.deadline,
            user: all.body.users.find((u: { userId: string }) => u.userId === userId),
          });
        }
      }
      const alpha = (await call('GET', `/api/v1/progress/${ALPHA.toLowerCase().replaceAll('-', '')}?asOf=2024-02-10`)).body;
      assert.equal(alpha.asOf, '2024-01-26');
      assert.equal(alpha.user.userId, ALPHA);
      assert.deepEqual(alpha.user.total, { inScope: 120, completed: 30, invalid: 0, outstanding: 90, newMissing: 0 });
      assert.equal(alpha.user.declared, 120);
      assert.equal(alpha.user.completionPct, 25);

      const unknown = await call('GET', `/api/v1/progress/${UNKNOWN}?asOf=2024-02-10`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.error.message, /no position for 90-B3-D5-1F-30-01-00-FF/);
      assert.equal((await call('GET', '/api/v1/progress/nobody')).status, 404);
      const early = await call('GET', `/api/v1/progress/${ALPHA}?asOf=2024-01-01`);
      assert.equal(early.status, 404);
      assert.match(early.body.error.message, /no snapshot is on or before that date/);
      const badDate = await call('GET', `/api/v1/progress/${ALPHA}?asOf=2024-13-01`);
      assert.equal(badDate.status, 422);
      assert.deepEqual(
        badDate.body.error.fields.map((f: { field: string }) => f.field),
        ['asOf'],
      );
      assert.equal((await call('GET', `/api/v1/progress/${ALPHA}`, { token: null })).status, 401);
    });
  });
}
