// Disabling an account or resetting its password ends exactly that account's sessions (issue 13,
// point 4): one indexed delete by sessions.account_id; everyone else stays logged in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../server/auth/roles.ts';
import { addRoleAccounts, emailOf } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'ending sessions 123';

for (const kind of databaseKinds) {
  describe(`ending an account's sessions on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    /** Two browsers logged in for each role. */
    const browsers = new Map<Role, TestClient[]>();

    const idOf = async (role: Role): Promise<number> =>
      Number(
        (
          await t.db
            .knex('accounts')
            .where({ email: emailOf(role) })
            .first()
        ).id,
      );
    const sessionsOf = async (): Promise<Record<Role, number>> => {
      const counts: Record<Role, number> = { secas: 0, panel: 0, dcc: 0 };
      for (const role of Object.keys(counts) as Role[]) {
        counts[role] = Number(
          (
            (await t.db
              .knex('sessions')
              .where({ account_id: await idOf(role) })
              .count({ n: '*' })
              .first()) as { n: number | string }
          ).n,
        );
      }
      return counts;
    };
    const loggedIn = async (role: Role): Promise<number[]> => Promise.all(browsers.get(role)!.map(async (b) => (await b.get('/')).status));
    const asSecas = async (action: string): Promise<number> => {
      const secas = browsers.get('secas')![0]!;
      return (await secas.postForm(action, { _csrf: await secas.csrfToken('/settings/accounts') })).status;
    };

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      await addRoleAccounts(t.db.knex, PASSWORD);
      for (const role of ['secas', 'panel', 'dcc'] as const) {
        const pair = [new TestClient(server.url), new TestClient(server.url)];
        for (const browser of pair) assert.equal((await browser.login(emailOf(role), PASSWORD)).status, 303);
        browsers.set(role, pair);
      }
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('disabling the Panel account ends its two sessions and no one else’s', async () => {
      assert.deepEqual(await sessionsOf(), { secas: 2, panel: 2, dcc: 2 });
      assert.equal(await asSecas(`/settings/accounts/${await idOf('panel')}/disable`), 303);
      assert.deepEqual(await sessionsOf(), { secas: 2, panel: 0, dcc: 2 });
      assert.deepEqual(await loggedIn('panel'), [302, 302]);
      assert.deepEqual(await loggedIn('dcc'), [200, 200]);
      assert.deepEqual(await loggedIn('secas'), [200, 200]);
    });

    it('resetting the DCC password ends its two sessions and no one else’s', async () => {
      assert.equal(await asSecas(`/settings/accounts/${await idOf('dcc')}/password`), 200);
      assert.deepEqual(await sessionsOf(), { secas: 2, panel: 0, dcc: 0 });
      assert.deepEqual(await loggedIn('dcc'), [302, 302]);
      assert.deepEqual(await loggedIn('secas'), [200, 200]);
    });
  });
}
