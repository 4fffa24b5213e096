// Anonymous visitors store nothing (issue 13, point 4): the login form is CSRF-safe with a signed
// double-submit token kept by the browser, so no session row is written until someone logs in —
// and every form, logged in or not, still refuses a token that is not its browser's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countSessions } from '../../db/queries/sessions.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient, type Response } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'anonymous visitors 123';
const EMAIL = 'sam@example.org';

const setsSessionCookie = (res: Response): boolean => res.headers.getSetCookie().some((c) => c.startsWith('bfm.sid='));
const tokenOn = (res: Response): string => {
  const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  assert.ok(token, `a CSRF token on the page (status ${res.status})`);
  return token;
};

for (const kind of databaseKinds) {
  describe(`anonymous visitors on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    const sessionRows = (): Promise<number> => countSessions(t.db.knex);

    before(async () => {
      t = await kind.create();
      await addAccount(t.db.knex, { email: EMAIL, role: 'secas', password: PASSWORD }, { kind: 'system', name: 'test' });
      await addAccount(t.db.knex, { email: 'pat@example.org', role: 'panel', password: PASSWORD }, { kind: 'system', name: 'test' });
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('adds no session row and sends no session cookie for 1,000 anonymous requests', async () => {
      assert.equal(await sessionRows(), 0);
      const statuses = new Map<string, number[]>();
      const seen = (what: string, res: Response): void => {
        assert.equal(setsSessionCookie(res), false, `${what} sets no session cookie`);
        statuses.set(what, [...(statuses.get(what) ?? []), res.status]);
      };
      // 200 new browsers, each making the five kinds of request a visitor (or a prober) makes.
      for (let i = 0; i < 200; i++) {
        const browser = new TestClient(server.url);
        seen('GET /', await browser.get('/'));
        const form = await browser.get('/login?next=%2F');
        seen('GET /login', form);
        seen('GET /healthz', await browser.get('/healthz'));
        seen('GET /assets/app.css', await browser.get('/assets/app.css'));
        // Most with an empty password, refused before any password is checked (checking one takes a
        // tenth of a second); one in ten with a wrong one.
        const password = i % 10 ? '' : 'a wrong password here';
        seen('POST /login', await browser.postForm('/login', { _csrf: tokenOn(form), email: `visitor${i}@example.org`, password }));
      }
      assert.deepEqual(Object.fromEntries([...statuses].map(([what, list]) => [what, [list.length, [...new Set(list)]]])), {
        'GET /': [200, [302]],
        'GET /login': [200, [200]],
        'GET /healthz': [200, [200]],
        'GET /assets/app.css': [200, [200]],
        'POST /login': [200, [401]],
      });
      assert.equal(await sessionRows(), 0, '1,000 anonymous requests, no session row');
    });

    it('writes one row at login and removes it at logout', async () => {
      const browser = new TestClient(server.url);
      const form = await browser.get('/login');
      const login = await browser.postForm('/login', { _csrf: tokenOn(form), email: EMAIL, password: PASSWORD, next: '/settings' });
      assert.deepEqual([login.status, login.location], [303, '/settings']);
      assert.equal(setsSessionCookie(login), true, 'the session cookie is set at login');
      assert.equal(await sessionRows(), 1);
      const settings = await browser.get('/settings');
      assert.equal(settings.status, 200);
      const logout = await browser.postForm('/logout', { _csrf: tokenOn(settings) });
      assert.deepEqual([logout.status, logout.location], [303, '/login?loggedOut=1']);
      assert.equal(await sessionRows(), 0);
      assert.equal((await browser.get('/settings')).status, 302);
    });

    it('refuses a cross-site POST to the login form: no token, or no cookie to match it', async () => {
      const browser = new TestClient(server.url);
      const token = tokenOn(await browser.get('/login'));
      const noToken = await browser.postForm('/login', { email: EMAIL, password: PASSWORD });
      assert.equal(noToken.status, 403);
      assert.match(noToken.text, /This form has expired or was not sent from this site/);
      // A cross-site POST carries none of the site's lax cookies, so a token copied into it has nothing to match.
      const noCookie = await new TestClient(server.url).postForm('/login', { _csrf: token, email: EMAIL, password: PASSWORD });
      assert.equal(noCookie.status, 403);
      assert.equal(setsSessionCookie(noCookie), false);
      assert.equal((await browser.postForm('/login', { _csrf: token, email: EMAIL, password: PASSWORD })).status, 303, 'the form itself works');
    });

    it('refuses a cross-site POST to a logged-in form, and keeps the person logged in', async () => {
      const browser = new TestClient(server.url);
      assert.equal((await browser.login(EMAIL, PASSWORD)).status, 303);
      const noToken = await browser.postForm('/logout', {});
      assert.equal(noToken.status, 403);
      const forged = await browser.postForm('/logout', { _csrf: 'forged.token' });
      assert.equal(forged.status, 403);
      assert.equal((await browser.get('/settings')).status, 200, 'still logged in');
    });

    it('does not take one browser’s token with another browser’s cookie', async () => {
      const alice = new TestClient(server.url);
      const bob = new TestClient(server.url);
      const aliceForm = tokenOn(await alice.get('/login'));
      await bob.get('/login');
      const mixed = await bob.postForm('/login', { _csrf: aliceForm, email: EMAIL, password: PASSWORD });
      assert.equal(mixed.status, 403, 'on the login form');

      assert.equal((await alice.login(EMAIL, PASSWORD)).status, 303);
      assert.equal((await bob.login('pat@example.org', PASSWORD)).status, 303);
      const aliceToken = tokenOn(await alice.get('/settings'));
      const refused = await bob.postForm('/logout', { _csrf: aliceToken });
      assert.equal(refused.status, 403, 'on a logged-in form');
      assert.equal((await bob.get('/')).status, 200, 'Bob is still logged in');
    });

    it('keeps a browser’s token while its session lasts, setting no cookie again, and retires it at logout', async () => {
      const browser = new TestClient(server.url);
      const anonymous = tokenOn(await browser.get('/login'));
      const again = await browser.get('/login');
      assert.equal(tokenOn(again), anonymous, 'the same token on every anonymous page');
      assert.deepEqual(again.headers.getSetCookie(), [], 'and no cookie sent again');

      assert.equal((await browser.postForm('/login', { _csrf: anonymous, email: EMAIL, password: PASSWORD })).status, 303);
      const first = await browser.get('/');
      const loggedIn = tokenOn(first);
      assert.notEqual(loggedIn, anonymous, 'a new token once logged in, bound to the session');
      const second = await browser.get('/');
      assert.equal(tokenOn(second), loggedIn);
      assert.deepEqual(second.headers.getSetCookie(), [], 'no Set-Cookie on the pages after');

      assert.equal((await browser.postForm('/logout', { _csrf: loggedIn })).status, 303);
      // The cookie still holds the logged-in token, but it was signed for a session that has ended.
      const stale = await browser.postForm('/login', { _csrf: loggedIn, email: EMAIL, password: PASSWORD });
      assert.equal(stale.status, 403);
      assert.notEqual(tokenOn(await browser.get('/login?loggedOut=1')), loggedIn, 'the login page gives a new one');
    });
  });
}
