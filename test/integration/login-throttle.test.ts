// Login throttling that a proxy header cannot dodge (issue 13, point 3): failed logins counted in
// the database per account and per client address, shared by every instance, on SQLite and MySQL.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { addAccount } from '../../server/auth/accounts.ts';
import { sweepLogins } from '../../server/auth/sweeper.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient, type Response } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'throttle password 123';
const WRONG = 'not the password at all';
const MINUTE = 60_000;

/** A login through the form by a new browser, which a proxy says came from `forwardedFor`. */
async function loginVia(url: string, email: string, password: string, forwardedFor?: string): Promise<Response> {
  const client = new TestClient(url);
  const token = await client.csrfToken('/login');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
  return client.request('POST', '/login', { body: new URLSearchParams({ _csrf: token, email, password, next: '/' }), headers });
}

/** The page's main sentence: the error page's message. */
const refusal = (res: Response): string => /<p[^>]*>(Too many [^<]*)<\/p>/.exec(res.text)?.[1] ?? res.text.slice(0, 300);

for (const kind of databaseKinds) {
  describe(`login throttling on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    const servers: TestServer[] = [];
    const start = async (env: Record<string, string>): Promise<string> => {
      const server = await startTestServer(t.url, env);
      servers.push(server);
      return server.url;
    };
    const failuresOf = async (account: string): Promise<number> =>
      Number(((await t.db.knex('login_failures').where({ account }).count({ n: '*' }).first()) as { n: number | string }).n);
    const auditOf = (action: string, entityId: string) => t.db.knex('audit_log').where({ action, entity_id: entityId }).orderBy('id');

    before(async () => {
      t = await kind.create();
      for (const email of ['sam@example.org', 'pat@example.org', 'kim@example.org', 'lee@example.org']) {
        await addAccount(t.db.knex, { email, role: 'secas', password: PASSWORD }, { kind: 'system', name: 'test' });
      }
    });
    afterEach(async () => {
      mock.timers.reset();
      while (servers.length) await servers.pop()!.stop();
    });
    after(async () => {
      await t?.drop();
    });

    it('refuses an account after 10 failures for 15 minutes, the right password too, whatever addresses they come from', async () => {
      // TRUST_PROXY=true believes the left-most X-Forwarded-For: every attempt here is a new "client",
      // so the per-address limit of 3 is dodged and only the per-account limit stands.
      const url = await start({ TRUST_PROXY: 'true', LOGIN_RATE_LIMIT: '3' });
      // Times in the past, so that these failures never count in the tests that run at the real time.
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-06-01T10:00:00Z') });
      for (let i = 1; i <= 10; i++) {
        const res = await loginVia(url, 'Sam@Example.org', WRONG, `203.0.113.${i}`);
        assert.equal(res.status, 401, `failure ${i} is checked`);
      }
      assert.equal(await failuresOf('sam@example.org'), 10, 'counted under the normalised address');

      const right = await loginVia(url, 'sam@example.org', PASSWORD, '203.0.113.11');
      assert.equal(right.status, 429);
      assert.equal(refusal(right), 'Too many failed attempts for this account. Try again in 15 minutes.');
      assert.equal(right.headers.get('retry-after'), '900');
      assert.equal(await failuresOf('sam@example.org'), 10, 'a refused attempt is not counted');

      mock.timers.tick(12 * MINUTE + 30_000);
      const later = await loginVia(url, 'sam@example.org', PASSWORD, '203.0.113.12');
      assert.equal(later.status, 429);
      assert.equal(refusal(later), 'Too many failed attempts for this account. Try again in 3 minutes.');
      assert.equal(later.headers.get('retry-after'), '150');

      mock.timers.tick(150_000);
      const again = await loginVia(url, 'sam@example.org', PASSWORD, '203.0.113.13');
      assert.equal(again.status, 303, '15 minutes after the failures, the right password logs in');

      const throttled = await auditOf('login.throttled', 'sam@example.org');
      assert.deepEqual(
        throttled.map((r: { ip: string; after: string }) => [r.ip, JSON.parse(r.after)]),
        [
          ['203.0.113.11', { limit: 'account', retryAfterSeconds: 900 }],
          ['203.0.113.12', { limit: 'account', retryAfterSeconds: 150 }],
        ],
      );
      assert.equal((await auditOf('login.failed', 'sam@example.org')).length, 10);
    });

    it('answers an address with no account exactly as one with an account', async () => {
      const url = await start({ LOGIN_RATE_LIMIT: '1000' });
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-06-01T11:00:00Z') });
      const answers: Array<[number, string, string | null]> = [];
      for (const email of ['pat@example.org', 'nobody@example.org']) {
        for (let i = 0; i < 10; i++) assert.equal((await loginVia(url, email, WRONG)).status, 401);
        const res = await loginVia(url, email, email === 'pat@example.org' ? PASSWORD : WRONG);
        answers.push([res.status, refusal(res), res.headers.get('retry-after')]);
      }
      assert.deepEqual(answers[0], [429, 'Too many failed attempts for this account. Try again in 15 minutes.', '900']);
      assert.deepEqual(answers[1], answers[0]);
    });

    it('behind one trusted proxy (TRUST_PROXY=1) counts the address the proxy saw, whatever X-Forwarded-For the client forges', async () => {
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-06-01T12:00:00Z') });
      const url = await start({ TRUST_PROXY: '1', LOGIN_RATE_LIMIT: '10', LOGIN_ACCOUNT_LIMIT: '1000' });
      // The proxy appends the address it saw to whatever the client sent.
      const viaProxy = (forged: string): string => `${forged}, 198.51.100.7`;
      for (let i = 1; i <= 10; i++) {
        const res = await loginVia(url, `guess${i}@example.org`, WRONG, viaProxy(`192.0.2.${i}`));
        assert.equal(res.status, 401, `failure ${i} is checked`);
      }
      const right = await loginVia(url, 'kim@example.org', PASSWORD, viaProxy('192.0.2.99'));
      assert.equal(right.status, 429);
      assert.equal(refusal(right), 'Too many failed login attempts from your address. Try again in 15 minutes.');
      assert.equal(right.headers.get('retry-after'), '900');
      const ips = await t.db.knex('audit_log').where('entity_id', 'like', 'guess%').pluck('ip');
      assert.deepEqual(new Set(ips), new Set(['198.51.100.7']), 'the forged addresses are never the ones counted');

      const elsewhere = await loginVia(url, 'kim@example.org', PASSWORD, viaProxy('198.51.100.7'));
      assert.equal(elsewhere.status, 429, 'not even by forging the limited address itself');
      const otherClient = await loginVia(url, 'kim@example.org', PASSWORD, '198.51.100.8');
      assert.equal(otherClient.status, 303, 'another client of the proxy logs in');
    });

    it('shares the counts between two instances on one database: the 11th failure is refused on either', async () => {
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-06-01T13:00:00Z') });
      const first = await start({ LOGIN_RATE_LIMIT: '1000' });
      const second = await start({ LOGIN_RATE_LIMIT: '1000' });
      for (let i = 0; i < 10; i++) assert.equal((await loginVia(i % 2 ? second : first, 'lee@example.org', WRONG)).status, 401);
      for (const url of [first, second]) {
        const res = await loginVia(url, 'lee@example.org', PASSWORD);
        assert.equal(res.status, 429);
        assert.equal(refusal(res), 'Too many failed attempts for this account. Try again in 15 minutes.');
      }
    });

    it('checks only as many of a burst of simultaneous attempts as the limit allows', async () => {
      const url = await start({ LOGIN_RATE_LIMIT: '1000' });
      const forms = await Promise.all(
        Array.from({ length: 25 }, async () => {
          const client = new TestClient(url);
          return { client, token: await client.csrfToken('/login') };
        }),
      );
      const answers = await Promise.all(
        forms.map(({ client, token }) => client.postForm('/login', { _csrf: token, email: 'burst@example.org', password: WRONG })),
      );
      const statuses = answers.map((a) => a.status).sort();
      assert.deepEqual(statuses, [...Array<number>(10).fill(401), ...Array<number>(15).fill(429)]);
      assert.equal(await failuresOf('burst@example.org'), 10);
    });

    it('sweeps failures once they no longer count', async () => {
      await t.db.knex('login_failures').delete();
      const at = Date.parse('2026-06-02T09:00:00Z');
      mock.timers.enable({ apis: ['Date'], now: at });
      const url = await start({ LOGIN_RATE_LIMIT: '1000' });
      for (let i = 0; i < 3; i++) assert.equal((await loginVia(url, 'sweep@example.org', WRONG)).status, 401);
      assert.equal((await sweepLogins(t.db.knex, new Date(at + 14 * MINUTE))).loginFailures, 0, 'they still count');
      assert.equal((await sweepLogins(t.db.knex, new Date(at + 15 * MINUTE))).loginFailures, 3);
      assert.equal(await failuresOf('sweep@example.org'), 0);
    });
  });
}
