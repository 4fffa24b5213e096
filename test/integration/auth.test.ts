import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { addAccount } from '../../server/auth/accounts.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const SETUP = { kind: 'system', name: 'test-setup' } as const;
const PASSWORD = 'a long enough password';

for (const kind of databaseKinds) {
  describe(`logging in and out on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;

    before(async () => {
      t = await kind.create();
      await addAccount(t.db.knex, { email: 'Sam.Secas@Example.org', role: 'secas', password: PASSWORD }, SETUP);
      await addAccount(t.db.knex, { email: 'pat.panel@example.org', role: 'panel', password: PASSWORD }, SETUP);
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('sends an anonymous visitor to the login page and back after login', async () => {
      const client = new TestClient(server.url);
      const first = await client.get('/settings');
      assert.equal(first.status, 302);
      assert.equal(first.location, '/login?next=%2Fsettings');
      const form = await client.get(first.location);
      assert.equal(form.status, 200);
      assert.match(form.text, /<form method="post" action="\/login"/);
      assert.match(form.text, /<input type="hidden" name="next" value="\/settings">/);
      const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
      const login = await client.postForm('/login', { _csrf: token, email: 'sam.secas@example.org', password: PASSWORD, next: '/settings' });
      assert.equal(login.status, 303);
      assert.equal(login.location, '/settings');
      const settings = await client.get('/settings');
      assert.equal(settings.status, 200);
      assert.match(settings.text, /sam\.secas@example\.org/);
      assert.match(settings.text, /<h1>Settings<\/h1>/);
    });

    it('shows the login form at / to someone not logged in', async () => {
      const client = new TestClient(server.url);
      const res = await client.get('/');
      assert.equal(res.status, 302);
      assert.equal(res.location, '/login?next=%2F');
    });

    it('refuses a wrong password with a message, and audits it without the password', async () => {
      const client = new TestClient(server.url);
      const res = await client.login('sam.secas@example.org', 'not the password at all');
      assert.equal(res.status, 401);
      assert.match(res.text, /The e-mail address or password is not right/);
      assert.match(res.text, /value="sam\.secas@example\.org"/, 'the e-mail stays filled in');
      const audit = await t.db.knex('audit_log').where({ action: 'login.failed' }).orderBy('id', 'desc').first();
      assert.equal(audit.entity_id, 'sam.secas@example.org');
      assert.doesNotMatch(JSON.stringify(audit), /not the password/);
    });

    it('refuses a form POST without a CSRF token, even with the right password', async () => {
      const client = new TestClient(server.url);
      await client.get('/login');
      const res = await client.postForm('/login', { email: 'sam.secas@example.org', password: PASSWORD });
      assert.equal(res.status, 403);
      assert.match(res.text, /This form has expired or was not sent from this site/);
      const forged = await client.postForm('/login', { _csrf: 'forged', email: 'sam.secas@example.org', password: PASSWORD });
      assert.equal(forged.status, 403);
    });

    it('refuses a logged-in form POST without the session’s CSRF token', async () => {
      const client = new TestClient(server.url);
      assert.equal((await client.login('pat.panel@example.org', PASSWORD)).status, 303);
      const other = new TestClient(server.url);
      const otherToken = await other.csrfToken('/login');
      const res = await client.postForm('/logout', { _csrf: otherToken });
      assert.equal(res.status, 403, 'a token from another session does not do');
      assert.equal((await client.get('/')).status, 200, 'still logged in');
    });

    it('logs out, ends the session and audits both login and logout', async () => {
      const client = new TestClient(server.url);
      await client.login('pat.panel@example.org', PASSWORD);
      const token = await client.csrfToken('/');
      const res = await client.postForm('/logout', { _csrf: token });
      assert.equal(res.status, 303);
      assert.equal(res.location, '/login?loggedOut=1');
      assert.equal((await client.get('/')).status, 302);
      const actions = (await t.db.knex('audit_log').where({ actor: 'pat.panel@example.org' }).orderBy('id')).map((r: { action: string }) => r.action);
      assert.deepEqual(actions.slice(-2), ['login', 'logout']);
    });

    it('shares sessions between instances on one database', async () => {
      const other = await startTestServer(t.url);
      try {
        const client = new TestClient(other.url);
        // Log in here, then use the cookie on the first instance.
        assert.equal((await client.login('sam.secas@example.org', PASSWORD)).status, 303);
        const res = await client.at(server.url).get('/audit');
        assert.equal(res.status, 200);
        assert.match(res.text, /sam\.secas@example\.org/);
      } finally {
        await other.stop();
      }
    });

    it('keeps a session in use alive for eight hours after its last use, renewing it at most once a minute', async () => {
      const EIGHT_HOURS = 8 * 3600_000;
      const sessionCookie = (res: { headers: Headers }): string[] => res.headers.getSetCookie().filter((c) => c.startsWith('bfm.sid='));
      const expiresOf = (cookie: string): number => Date.parse(/Expires=([^;]+)/.exec(cookie)![1]!);
      const storedExpiry = async (client: TestClient): Promise<number> => {
        const sid = decodeURIComponent(/bfm\.sid=s:([^.;]+)/.exec(decodeURIComponent(client.cookieHeader()))![1]!);
        const row = await t.db.knex('sessions').where({ sid }).first('expired');
        // SQLite keeps an ISO instant; MySQL a UTC 'YYYY-MM-DD HH:MM:SS'.
        const text = String(row.expired);
        return Date.parse(text.includes('T') ? text : `${text.replace(' ', 'T')}Z`);
      };
      const start = Date.now();
      mock.timers.enable({ apis: ['Date'], now: start });
      try {
        const client = new TestClient(server.url);
        assert.equal((await client.login('sam.secas@example.org', PASSWORD)).status, 303);
        const first = await client.get('/settings');
        assert.equal(first.status, 200);
        assert.ok(sessionCookie(first).length >= 1, 'the first page after login renews the session');
        assert.ok(Math.abs(expiresOf(sessionCookie(first)[0]!) - (start + EIGHT_HOURS)) < 1000);
        assert.ok(Math.abs((await storedExpiry(client)) - (start + EIGHT_HOURS)) < 1000);

        mock.timers.tick(30_000);
        const soon = await client.get('/settings');
        assert.equal(soon.status, 200);
        assert.deepEqual(sessionCookie(soon), [], 'no cookie is sent again within the minute');
        assert.ok(Math.abs((await storedExpiry(client)) - (start + EIGHT_HOURS)) < 1000, 'nor is the stored expiry moved');

        mock.timers.tick(31_000);
        const later = await client.get('/settings');
        assert.equal(later.status, 200);
        assert.equal(sessionCookie(later).length, 1);
        assert.ok(Math.abs(expiresOf(sessionCookie(later)[0]!) - (start + 61_000 + EIGHT_HOURS)) < 1000, 'the cookie lives eight hours from now');
        assert.ok(Math.abs((await storedExpiry(client)) - (start + 61_000 + EIGHT_HOURS)) < 1000, 'and so does the stored session');

        // Seven hours idle, then used: still logged in, and renewed.
        mock.timers.tick(7 * 3600_000);
        assert.equal((await client.get('/settings')).status, 200);
        // Eight hours and a second idle: the stored session has expired.
        mock.timers.tick(EIGHT_HOURS + 1000);
        const expired = await client.get('/settings');
        assert.equal(expired.status, 302);
        assert.equal(expired.location, '/login?next=%2Fsettings');
      } finally {
        mock.timers.reset();
      }
    });

    it('shows SECAS the audit log with logins and account creation', async () => {
      const client = new TestClient(server.url);
      await client.login('sam.secas@example.org', PASSWORD);
      const page = await client.get('/audit');
      assert.equal(page.status, 200);
      assert.match(page.text, /<code>account\.create<\/code>/);
      assert.match(page.text, /<code>login<\/code>/);
      assert.match(page.text, /<code>login\.failed<\/code>/);
      // Each change as the fields it set: the account's address, added.
      assert.match(page.text, /<th scope="row">email<\/th><td><span class="hint">—<\/span><\/td><td><ins>sam\.secas@example\.org<\/ins><\/td>/);
    });

    it('authenticates systems with bearer tokens on the API only', async () => {
      const { token } = await createApiToken(t.db.knex, { name: 'DCC uploader', role: 'dcc' }, SETUP);
      const stored = await t.db.knex('api_tokens').where({ name: 'DCC uploader' }).first();
      assert.notEqual(stored.token_hash, token, 'the token itself is not stored');
      assert.doesNotMatch(JSON.stringify(stored), new RegExp(token.slice(12)));

      const client = new TestClient(server.url);
      const me = await client.get('/api/v1/me', { authorization: `Bearer ${token}` });
      assert.equal(me.status, 200);
      assert.deepEqual(JSON.parse(me.text), { kind: 'token', name: 'DCC uploader', role: 'dcc' });

      const wrong = await client.get('/api/v1/me', { authorization: `Bearer ${token}x` });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
      assert.equal(JSON.parse(wrong.text).error.code, 'unauthenticated');

      const onPage = await client.get('/', { authorization: `Bearer ${token}` });
      assert.equal(onPage.status, 302, 'a token does not log anyone in to the pages');

      await t.db.knex('api_tokens').where({ id: stored.id }).update({ revoked_at: '2026-11-28 12:00:00.000' });
      assert.equal((await client.get('/api/v1/me', { authorization: `Bearer ${token}` })).status, 401, 'a revoked token stops working');
    });
  });
}
