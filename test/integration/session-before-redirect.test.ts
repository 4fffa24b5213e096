// A page that changes the session and redirects (POST, then 303 to the next page) sends the
// redirect only once the session is stored: a browser follows a redirect as soon as it has its
// headers, and express-session sent them before storing the session, so on MySQL the next page was
// now and then read without the change (the flash message "Your e-mail choices are saved." missing).
// The session's row is held locked while the form is posted: no answer may come until the lock is
// let go, and then the next page shows the message. On SQLite the server's write ends before it
// reads another request, so the race cannot happen there; the page still shows the message.
// A session that cannot be stored (a trigger refuses the write) gets the error page, not the redirect.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { addRoleAccounts, emailOf, ROLE_PASSWORD } from '../helpers/accounts.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const SAVED = 'Your e-mail choices are saved.';

for (const kind of databasesFor('sql')) {
  describe(`a redirect waits for the session to be stored on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let client: TestClient;

    before(async () => {
      t = await kind.create();
      await addRoleAccounts(t.db.knex);
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      client = new TestClient(server.url);
      assert.equal((await client.login(emailOf('secas'), ROLE_PASSWORD)).status, 303);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    /**
     * Posts the e-mail choices form with fetch, which settles on the answer's headers, as a browser
     * follows a redirect. The page's token is fetched first: that request must not wait for a lock.
     */
    const choicesPoster = async (): Promise<() => Promise<Response>> => {
      const body = new URLSearchParams({ _csrf: await client.csrfToken('/account'), event: 'report.published' });
      return () =>
        fetch(new URL('/account/notifications', server.url), {
          method: 'POST',
          body,
          redirect: 'manual',
          headers: { cookie: client.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        });
    };

    it('answers the form only once the flash message is stored, and the next page shows it', async () => {
      if (kind.name === 'mysql') {
        const post = await choicesPoster();
        const lock = await t.db.knex.transaction();
        let answer: Promise<Response> | undefined;
        try {
          await lock.raw('SELECT sid FROM sessions FOR UPDATE');
          answer = post();
          const early = await Promise.race([answer.then(() => 'answered'), sleep(700).then(() => 'still waiting')]);
          assert.equal(early, 'still waiting', 'no redirect while the session cannot be stored');
        } finally {
          await lock.commit();
        }
        const res = await answer;
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), '/account');
        await res.text();
      } else {
        const res = await (await choicesPoster())();
        assert.equal(res.status, 303);
        await res.text();
      }
      const next = await client.get('/account');
      assert.equal(next.status, 200);
      assert.match(next.text, new RegExp(`class="notice"[^>]*>\\s*${SAVED.replace('.', '\\.')}`));
      // Shown once: the page after that no longer says it.
      assert.doesNotMatch((await client.get('/account')).text, new RegExp(SAVED.replace('.', '\\.')));
    });

    it('answers with the error page, not the redirect, when the session cannot be stored, and goes on serving', async () => {
      const post = await choicesPoster();
      await t.db.knex.raw(
        kind.name === 'mysql'
          ? "CREATE TRIGGER refuse_session_writes BEFORE UPDATE ON sessions FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by a test'"
          : "CREATE TRIGGER refuse_session_writes BEFORE UPDATE ON sessions BEGIN SELECT RAISE(ABORT, 'refused by a test'); END",
      );
      let res: Response;
      try {
        res = await post();
      } finally {
        await t.db.knex.raw('DROP TRIGGER refuse_session_writes');
      }
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /The server could not complete your request\. If it happens again, tell SECAS and quote reference /);
      const next = await client.get('/account');
      assert.equal(next.status, 200, 'still logged in, still served');
    });
  });
}
