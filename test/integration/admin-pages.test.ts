// The accounts and API tokens pages as SECAS uses them (issue 6, SPEC §2): a generated password or
// token shown once and working at once; role changes, disabling and revoking taking effect on the
// very next request; the last enabled SECAS account protected, with the reason beside the field;
// every change in the audit log without any secret — on SQLite and MySQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addAccount, disableAccount } from '../../server/auth/accounts.ts';
import type { Role } from '../../server/auth/roles.ts';
import { ValidationError } from '../../server/errors.ts';
import { addRoleAccounts, emailOf, loggedInClients } from '../helpers/accounts.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient, type Response } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const PASSWORD = 'admin pages password 1';
const SECOND_SECAS = 'second.secas@example.org';

/** The visible text of an HTML fragment, one space between words. */
const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/\s+/g, ' ')
    .trim();

function flashOf(page: Response): string {
  return text(/<div class="notice" role="status">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '');
}

/** The secret on the page that shows it once; fails when the page shows none. */
function secretOf(page: Response): string {
  const secret = /<code class="secret" id="secret">([^<]+)<\/code>/.exec(page.text)?.[1];
  assert.ok(secret, `no secret on the page (status ${page.status}): ${text(page.text).slice(0, 300)}`);
  return secret;
}

/** A table row on the page, found by its id. */
function rowHtml(page: Response, rowId: string): string {
  return new RegExp(`<tr id="${rowId}"[^>]*>([\\s\\S]*?)</tr>`).exec(page.text)?.[1] ?? '';
}

/** What a table row on the page says. */
function rowText(page: Response, rowId: string): string {
  return text(rowHtml(page, rowId));
}

/** The role an account's row shows as chosen. */
function roleShown(page: Response, accountId: number): string | undefined {
  return /<option value="(\w+)" selected>/.exec(rowHtml(page, `account-${accountId}`))?.[1];
}

/** The sentence shown beside a field, by the field's id. */
function fieldError(page: Response, fieldId: string): string {
  return text(new RegExp(`<p class="field-error" id="${fieldId}-error">([\\s\\S]*?)</p>`).exec(page.text)?.[1] ?? '');
}

/** A page that shows a secret must not be kept by any cache, and is the answer to the POST itself. */
function assertShownOnce(page: Response): void {
  assert.equal(page.status, 200);
  assert.equal(page.location, null, 'no redirect: the secret is never in a URL or a flash message');
  assert.match(page.headers.get('cache-control') ?? '', /no-store/);
  assert.match(text(page.text), /This is the only time it is shown\./);
}

async function submit(client: TestClient, formPage: string, action: string, fields: Record<string, string> = {}): Promise<Response> {
  return client.postForm(action, { _csrf: await client.csrfToken(formPage), ...fields });
}

for (const kind of databaseKinds) {
  describe(`accounts and API tokens pages on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as = new Map<Role, TestClient>();
    /** Every password and token shown in these tests, none of which may be stored or shown again. */
    const secrets: string[] = [];

    const idOf = async (email: string): Promise<number> => Number((await t.db.knex('accounts').where({ email }).first()).id);
    const auditOf = async (action: string) => {
      const row = await t.db.knex('audit_log').where({ action }).orderBy('id', 'desc').first();
      assert.ok(row, `an audit entry ${action}`);
      return { actor: row.actor, entityId: row.entity_id, before: row.before && JSON.parse(row.before), after: row.after && JSON.parse(row.after) };
    };
    const accountsPage = () => as.get('secas')!.get('/settings/accounts');

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      await addRoleAccounts(t.db.knex, PASSWORD);
      as = await loggedInClients(server.url, PASSWORD);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('lists every account with its role, dates and status', async () => {
      const page = await accountsPage();
      assert.equal(page.status, 200);
      assert.match(page.text, /<h1>Accounts<\/h1>/);
      assert.match(text(page.text), /3 enabled accounts\./);
      const secas = rowText(page, `account-${await idOf(emailOf('secas'))}`);
      assert.match(secas, /^secas@example\.org you /);
      assert.match(secas, /\d{1,2} \w{3} \d{4} \d{2}:\d{2}/, 'created, as a date and time');
      assert.match(secas, / enabled /);
      assert.equal(roleShown(page, await idOf(emailOf('panel'))), 'panel');
      assert.equal(roleShown(page, await idOf(emailOf('dcc'))), 'dcc');
    });

    it('adds an account: the generated password is shown once, and it logs in with it at once', async () => {
      const secas = as.get('secas')!;
      const refused = await submit(secas, '/settings/accounts', '/settings/accounts', { email: 'not an address', role: '' });
      assert.equal(refused.status, 422);
      assert.equal(fieldError(refused, 'add-email'), 'Error: Enter an e-mail address like name@example.org.');
      assert.equal(fieldError(refused, 'add-role'), 'Error: Choose a role: SECAS, SEC Panel, DCC.');
      assert.match(refused.text, /id="add-email" name="email" type="email" value="not an address"[^>]*aria-invalid="true"/, 'what was typed is kept');

      const shown = await submit(secas, '/settings/accounts', '/settings/accounts', { email: 'New.Person@Example.org', role: 'dcc' });
      assertShownOnce(shown);
      assert.match(text(shown.text), /new\.person@example\.org can now log in as DCC with this password\./);
      const password = secretOf(shown);
      secrets.push(password);

      const person = new TestClient(server.url);
      assert.equal((await person.login('new.person@example.org', password)).status, 303);
      assert.equal((await person.get('/snapshots')).status, 200, 'the DCC role applies');
      assert.equal((await person.get('/settings')).status, 403);

      const page = await accountsPage();
      const row = rowText(page, `account-${await idOf('new.person@example.org')}`);
      assert.match(row, /^new\.person@example\.org /);
      assert.doesNotMatch(row, /never/, 'its last login is shown');
      assert.equal(roleShown(page, await idOf('new.person@example.org')), 'dcc');
      assert.deepEqual(await auditOf('account.create'), {
        actor: 'secas@example.org',
        entityId: String(await idOf('new.person@example.org')),
        before: null,
        after: { email: 'new.person@example.org', role: 'dcc' },
      });

      const twice = await submit(secas, '/settings/accounts', '/settings/accounts', { email: 'new.person@example.org', role: 'panel' });
      assert.equal(twice.status, 422);
      assert.equal(fieldError(twice, 'add-email'), 'Error: An account for new.person@example.org already exists.');
      assert.equal(
        await t.db
          .knex('accounts')
          .where({ email: 'new.person@example.org' })
          .first()
          .then((r) => r.role),
        'dcc',
        'the account is unchanged',
      );
    });

    it('changes a role from the person’s next request: a demoted SECAS user loses Settings at once', async () => {
      await addAccount(t.db.knex, { email: SECOND_SECAS, role: 'secas', password: PASSWORD }, { kind: 'system', name: 'test' });
      const second = new TestClient(server.url);
      assert.equal((await second.login(SECOND_SECAS, PASSWORD)).status, 303);
      assert.equal((await second.get('/settings')).status, 200);
      const id = await idOf(SECOND_SECAS);

      const demoted = await submit(as.get('secas')!, '/settings/accounts', `/settings/accounts/${id}/role`, { role: 'panel' });
      assert.deepEqual([demoted.status, demoted.location], [303, '/settings/accounts']);
      assert.equal(flashOf(await accountsPage()), `${SECOND_SECAS} now has the role SEC Panel, from their next page.`);
      const forbidden = await second.get('/settings');
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.text, /You do not have access to this page/);
      assert.equal((await second.get('/reports')).status, 200, 'and has the Panel’s pages instead');
      assert.deepEqual(await auditOf('account.role'), {
        actor: 'secas@example.org',
        entityId: String(id),
        before: { email: SECOND_SECAS, role: 'secas' },
        after: { email: SECOND_SECAS, role: 'panel' },
      });

      assert.equal((await submit(as.get('secas')!, '/settings/accounts', `/settings/accounts/${id}/role`, { role: 'secas' })).status, 303);
      assert.equal((await second.get('/settings')).status, 200, 'promoted back, at once');

      // Giving up one's own SECAS role (another remains) lands on a page one may still see.
      const own = await submit(second, '/settings/accounts', `/settings/accounts/${id}/role`, { role: 'panel' });
      assert.deepEqual([own.status, own.location], [303, '/']);
      assert.equal(flashOf(await second.get('/')), 'Your role is now SEC Panel. Accounts are managed by SECAS.');
      assert.equal((await second.get('/settings/accounts')).status, 403);
    });

    it('disables an account: logged out at once, cannot log in; re-enabled, it logs in again', async () => {
      const panel = as.get('panel')!;
      assert.equal((await panel.get('/')).status, 200);
      const id = await idOf(emailOf('panel'));

      const disabled = await submit(as.get('secas')!, '/settings/accounts', `/settings/accounts/${id}/disable`);
      assert.deepEqual([disabled.status, disabled.location], [303, '/settings/accounts']);
      const page = await accountsPage();
      assert.equal(flashOf(page), 'panel@example.org is disabled: they are logged out and cannot log in until the account is enabled again.');
      assert.match(rowText(page, `account-${id}`), /disabled since \d{1,2} \w{3} \d{4} \d{2}:\d{2} Re-enable panel@example\.org/);

      const out = await panel.get('/');
      assert.deepEqual([out.status, out.location], [302, '/login?next=%2F'], 'the open session stops at once');
      const refused = await new TestClient(server.url).login(emailOf('panel'), PASSWORD);
      assert.equal(refused.status, 401);
      assert.match(refused.text, /The e-mail address or password is not right/);
      assert.deepEqual(await auditOf('account.disable'), {
        actor: 'secas@example.org',
        entityId: String(id),
        before: { email: 'panel@example.org', disabled: false },
        after: { email: 'panel@example.org', disabled: true },
      });

      const enabled = await submit(as.get('secas')!, '/settings/accounts', `/settings/accounts/${id}/enable`);
      assert.equal(enabled.status, 303);
      assert.equal(flashOf(await accountsPage()), 'panel@example.org is enabled again and can log in.');
      assert.equal((await panel.get('/')).status, 302, 'the session ended by disabling does not come back');
      const again = new TestClient(server.url);
      assert.equal((await again.login(emailOf('panel'), PASSWORD)).status, 303);
      assert.equal((await again.get('/')).status, 200);
      as.set('panel', again);
      assert.deepEqual((await auditOf('account.enable')).after, { email: 'panel@example.org', disabled: false });
    });

    it('resets a password: the new one is shown once, the old one and its sessions stop working', async () => {
      const dcc = as.get('dcc')!;
      assert.equal((await dcc.get('/snapshots')).status, 200);
      const id = await idOf(emailOf('dcc'));

      const shown = await submit(as.get('secas')!, '/settings/accounts', `/settings/accounts/${id}/password`);
      assertShownOnce(shown);
      assert.match(text(shown.text), /dcc@example\.org has a new password\. The old one no longer works/);
      const password = secretOf(shown);
      secrets.push(password);

      assert.equal((await dcc.get('/snapshots')).status, 302, 'logged out where the old password was used');
      assert.equal((await new TestClient(server.url).login(emailOf('dcc'), PASSWORD)).status, 401, 'the old password is refused');
      const fresh = new TestClient(server.url);
      assert.equal((await fresh.login(emailOf('dcc'), password)).status, 303);
      assert.equal((await fresh.get('/snapshots')).status, 200);
      as.set('dcc', fresh);
      assert.deepEqual(await auditOf('account.password-reset'), {
        actor: 'secas@example.org',
        entityId: String(id),
        before: null,
        after: { email: 'dcc@example.org' },
      });

      // Resetting one's own password ends one's other sessions, not the one doing it.
      const secas = as.get('secas')!;
      const elsewhere = new TestClient(server.url);
      assert.equal((await elsewhere.login(emailOf('secas'), PASSWORD)).status, 303);
      const own = await submit(secas, '/settings/accounts', `/settings/accounts/${await idOf(emailOf('secas'))}/password`);
      assertShownOnce(own);
      secrets.push(secretOf(own));
      assert.equal((await secas.get('/settings/accounts')).status, 200, 'still logged in here');
      assert.equal((await elsewhere.get('/settings/accounts')).status, 302, 'logged out elsewhere');
    });

    it('creates an API token that works at once, shows it once, and stops it the moment it is revoked', async () => {
      const secas = as.get('secas')!;
      const refused = await submit(secas, '/settings/tokens', '/settings/tokens', { name: '  ', role: 'dcc' });
      assert.equal(refused.status, 422);
      assert.equal(fieldError(refused, 'create-name'), 'Error: Give the token a name.');

      const shown = await submit(secas, '/settings/tokens', '/settings/tokens', { name: 'DCC uploader (test)', role: 'dcc' });
      assertShownOnce(shown);
      const token = secretOf(shown);
      secrets.push(token);
      assert.match(token, /^bfm_/);

      const system = new TestClient(server.url);
      const me = await system.get('/api/v1/me', { authorization: `Bearer ${token}` });
      assert.equal(me.status, 200);
      assert.deepEqual(JSON.parse(me.text), { kind: 'token', name: 'DCC uploader (test)', role: 'dcc' });

      const row = await t.db.knex('api_tokens').where({ name: 'DCC uploader (test)' }).first();
      const listed = rowText(await secas.get('/settings/tokens'), `token-${row.id}`);
      assert.match(
        listed,
        new RegExp(
          `^DCC uploader \\(test\\) DCC ${token.slice(0, 12)}… secas@example\\.org \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2} \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2} active Revoke`,
        ),
      );

      const revoked = await submit(secas, '/settings/tokens', `/settings/tokens/${row.id}/revoke`);
      assert.deepEqual([revoked.status, revoked.location], [303, '/settings/tokens']);
      const page = await secas.get('/settings/tokens');
      assert.equal(flashOf(page), `The token “DCC uploader (test)” (${token.slice(0, 12)}…) is revoked: the API refuses it from now on.`);
      assert.match(rowText(page, `token-${row.id}`), /revoked \d{1,2} \w{3} \d{4}/);
      assert.doesNotMatch(rowText(page, `token-${row.id}`), /Revoke/);
      const after = await system.get('/api/v1/me', { authorization: `Bearer ${token}` });
      assert.equal(after.status, 401, 'refused on the very next request');

      assert.deepEqual(await auditOf('token.create'), {
        actor: 'secas@example.org',
        entityId: String(row.id),
        before: null,
        after: { name: 'DCC uploader (test)', role: 'dcc', prefix: token.slice(0, 12) },
      });
      assert.deepEqual(await auditOf('token.revoke'), {
        actor: 'secas@example.org',
        entityId: String(row.id),
        before: { name: 'DCC uploader (test)', role: 'dcc', prefix: token.slice(0, 12), revoked: false },
        after: { name: 'DCC uploader (test)', role: 'dcc', prefix: token.slice(0, 12), revoked: true },
      });
    });

    it('never shows a password or token again: not on the lists, not in the audit log, not stored', async () => {
      assert.equal(secrets.length, 4);
      const secas = as.get('secas')!;
      const pages = [await secas.get('/settings/accounts'), await secas.get('/settings/tokens'), await secas.get('/audit')];
      assert.match(pages[2]!.text, /<code>account\.password-reset<\/code>/, 'the audit log lists the changes');
      const stored = JSON.stringify([await t.db.knex('audit_log').select(), await t.db.knex('accounts').select(), await t.db.knex('api_tokens').select()]);
      for (const secret of secrets) {
        for (const page of pages) assert.ok(!page.text.includes(secret), 'a secret on a later page');
        assert.ok(!stored.includes(secret), 'a secret stored in the database');
      }
    });

    it('keeps one enabled SECAS account: itself it cannot disable or demote, and says so beside the field', async () => {
      const secas = as.get('secas')!;
      const id = await idOf(emailOf('secas'));
      const page = await accountsPage();
      assert.match(rowText(page, `account-${id}`), /The only enabled SECAS account: it keeps this role and stays enabled\./);
      assert.match(rowText(page, `account-${id}`), /Your own account: another SECAS user can disable it\./);

      const demote = await submit(secas, '/settings/accounts', `/settings/accounts/${id}/role`, { role: 'panel' });
      assert.equal(demote.status, 422);
      const why =
        'secas@example.org is the only enabled SECAS account, so it cannot become SEC Panel: without it nobody could manage accounts. Give another account the SECAS role first.';
      assert.equal(fieldError(demote, `account-${id}-role`), `Error: ${why}`);
      assert.match(demote.text, new RegExp(`<select id="account-${id}-role" name="role" aria-invalid="true" aria-describedby="account-${id}-role-error">`));
      assert.match(text(demote.text), new RegExp(`There is a problem ${why.replace(/[.()]/g, '\\$&')}`), 'and in the summary at the top');

      const disable = await submit(secas, '/settings/accounts', `/settings/accounts/${id}/disable`);
      assert.equal(disable.status, 422);
      assert.equal(fieldError(disable, `account-${id}-status`), 'Error: You cannot disable your own account; another SECAS user can.');
      assert.equal((await secas.get('/settings')).status, 200, 'still SECAS');

      // Nor from anywhere else that acts for SECAS (a script using the same service).
      await assert.rejects(
        disableAccount(t.db.knex, id, { kind: 'cli', name: 'cli' }),
        (err: unknown) => err instanceof ValidationError && /only enabled SECAS account/.test(err.message),
      );
      assert.equal((await submit(secas, '/settings/accounts', '/settings/accounts/999/disable')).status, 404, 'an account that does not exist');
    });

    it('when two SECAS users demote each other at the same moment, one of them stays SECAS', async () => {
      const secas = as.get('secas')!;
      const secondId = await idOf(SECOND_SECAS);
      const firstId = await idOf(emailOf('secas'));
      assert.equal((await submit(secas, '/settings/accounts', `/settings/accounts/${secondId}/role`, { role: 'secas' })).status, 303);
      const second = new TestClient(server.url);
      assert.equal((await second.login(SECOND_SECAS, PASSWORD)).status, 303);

      const [firstToken, secondToken] = [await secas.csrfToken('/settings/accounts'), await second.csrfToken('/settings/accounts')];
      const answers = await Promise.all([
        secas.postForm(`/settings/accounts/${secondId}/role`, { _csrf: firstToken, role: 'panel' }),
        second.postForm(`/settings/accounts/${firstId}/role`, { _csrf: secondToken, role: 'panel' }),
      ]);
      // The loser is refused by the guard (422), or, when the winner's change landed before its
      // request was read, is no longer SECAS at all (403). Never both demoted.
      const [won, lost] = answers.map((a) => a.status).sort();
      assert.equal(won, 303);
      assert.ok(lost === 422 || lost === 403, `the other is refused, not ${String(lost)}`);
      const secasLeft = await t.db.knex('accounts').where({ role: 'secas' }).whereNull('disabled_at').select('email');
      assert.equal(secasLeft.length, 1);
    });
  });
}
