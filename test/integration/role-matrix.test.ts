// Who may reach what: every route the app registers must have a row here, written out by hand
// from SPEC §2, and the server must answer each role exactly as the row says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../server/app.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { ROLES, type Role } from '../../server/auth/roles.ts';
import { parseConfig } from '../../server/config.ts';
import { ACTIONS } from './matrix/actions.ts';
import { NOTIFICATIONS } from './matrix/notifications.ts';
import { ADMIN } from './matrix/admin.ts';
import { PROGRAMME } from './matrix/programme.ts';
import { DASHBOARD } from './matrix/dashboard.ts';
import { REPORTS } from './matrix/reports.ts';
import { SNAPSHOTS } from './matrix/snapshots.ts';
import { ALL, SECAS_ONLY, type MatrixRow, type Who } from './matrix/types.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { createLogger } from '../../server/logger.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const FRAME_ROWS: MatrixRow[] = [
  { method: 'GET', route: '/healthz', expect: { anonymous: 200, secas: 200, panel: 200, dcc: 200 } },
  { method: 'GET', route: '/assets-vendor/chart.umd.min.js', expect: { anonymous: 200, secas: 200, panel: 200, dcc: 200 } },
  // A logged-in person asking for the login page is sent on to the overview.
  { method: 'GET', route: '/login', expect: { anonymous: 200, secas: 302, panel: 302, dcc: 302 } },
  // An empty login form fails as a wrong password would, for everyone.
  { method: 'POST', route: '/login', expect: { anonymous: 401, secas: 401, panel: 401, dcc: 401 } },
  { method: 'POST', route: '/logout', expect: { anonymous: 'login', secas: 303, panel: 303, dcc: 303 } },
  { method: 'GET', route: '/', expect: ALL },
  { method: 'GET', route: '/snapshots', expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 200 } },
  { method: 'GET', route: '/deadline', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 403 } },
  { method: 'GET', route: '/users', expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 200 } },
  { method: 'GET', route: '/settings', expect: SECAS_ONLY },
  { method: 'GET', route: '/audit', expect: SECAS_ONLY },
  { method: 'GET', route: '/jobs', expect: SECAS_ONLY },
  // The API takes bearer tokens (one per role below), never sessions; anonymous gets 401 JSON.
  { method: 'GET', route: '/api/v1/me', expect: { anonymous: 401, secas: 200, panel: 200, dcc: 200 } },
  // Public to the role guard, like /healthz, but on (METRICS_TOKEN set below) it answers only the
  // METRICS_TOKEN as a bearer token (test/integration/metrics.test.ts): no session or role opens it.
  { method: 'GET', route: '/metrics', expect: { anonymous: 401, secas: 401, panel: 401, dcc: 401 } },
  // The API's description is public: it discloses no data.
  { method: 'GET', route: '/api/v1/openapi.json', expect: { anonymous: 200, secas: 200, panel: 200, dcc: 200 } },
  { method: 'GET', route: '/api/docs', expect: { anonymous: 200, secas: 200, panel: 200, dcc: 200 } },
];

const AREAS = [SNAPSHOTS, PROGRAMME, REPORTS, ADMIN, DASHBOARD, ACTIONS, NOTIFICATIONS];
const MATRIX: MatrixRow[] = [...FRAME_ROWS, ...AREAS.flatMap((a) => a.rows)];

const PASSWORD = 'matrix password 123';

for (const kind of databaseKinds) {
  describe(`role × route matrix on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    const tokens = new Map<Role, string>();

    before(async () => {
      t = await kind.create();
      for (const role of ROLES) {
        await addAccount(t.db.knex, { email: `${role}@example.org`, role, password: PASSWORD }, { kind: 'system', name: 'test' });
        tokens.set(role, (await createApiToken(t.db.knex, { name: `${role} system`, role }, { kind: 'system', name: 'test' })).token);
      }
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000', METRICS_TOKEN: 'matrix-metrics-token-0123456789' });
      for (const area of AREAS) await area.seed?.({ db: t.db, dataDir: server.dataDir });
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('has a row for every route the app registers, and a route for every row', async () => {
      const built = buildApp({ config: { ...parseConfig({ DATABASE_URL: t.url }), sessionSecret: 'x'.repeat(40) }, db: t.db, logger: createLogger('silent') });
      await built.close();
      const registered = built.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort();
      const inMatrix = MATRIX.map((r) => `${r.method} ${r.route}`).sort();
      assert.deepEqual(registered, inMatrix);
    });

    /** Logs in through the form as the role, in a client of its own. */
    const logIn = async (role: Role): Promise<TestClient> => {
      const client = new TestClient(server.url);
      assert.equal((await client.login(`${role}@example.org`, PASSWORD)).status, 303);
      return client;
    };
    // One session per role, logged in at the role's first check and used by its other checks.
    const sessions = new Map<Role, Promise<TestClient>>();
    const sessionOf = (role: Role): Promise<TestClient> => {
      if (!sessions.has(role)) sessions.set(role, logIn(role));
      return sessions.get(role)!;
    };
    /** The rows that end or replace a session: each check of these logs in a client of its own. */
    const endsSession = (row: MatrixRow): boolean => row.method === 'POST' && (row.route === '/logout' || row.route === '/login');

    for (const row of MATRIX) {
      for (const who of ['anonymous', ...ROLES] as Who[]) {
        const expected = row.expect[who];
        const path = row.path ?? row.route;
        it(`${row.method} ${path} as ${who} → ${expected}`, async () => {
          const headers: Record<string, string> = {};
          let client: TestClient;
          if (path.startsWith('/api/') || who === 'anonymous') {
            // A client of its own, with no session: the API takes only the bearer token.
            client = new TestClient(server.url);
            if (path.startsWith('/api/') && who !== 'anonymous') headers.authorization = `Bearer ${tokens.get(who)!}`;
          } else {
            // Logging out or in again in one check cannot affect another.
            client = endsSession(row) ? await logIn(who) : await sessionOf(who);
          }
          // API calls carry only the bearer token (no body); form posts carry the session's CSRF token.
          const res =
            row.method === 'GET'
              ? await client.get(path, headers)
              : path.startsWith('/api/')
                ? await client.request('POST', path, { headers })
                : await client.postForm(path, { _csrf: await client.csrfToken(who === 'anonymous' ? '/login' : '/') });
          if (expected === 'login') {
            assert.equal(res.status, row.method === 'GET' ? 302 : 303);
            assert.match(res.location ?? '', /^\/login/);
          } else {
            assert.equal(res.status, expected, `body: ${res.text.slice(0, 300)}`);
          }
          if (expected === 403) {
            if (path.startsWith('/api/')) assert.equal(JSON.parse(res.text).error.code, 'forbidden');
            else assert.match(res.text, /You do not have access to this page/);
          }
        });
      }
    }
  });
}
