// The `backfill` command as an operator runs it: the real database, exit codes. What only a process
// shows (its exit code, a piped standard input) is checked with the real bin on SQLite; the rest runs
// the command in-process (runCli), as a process would but without paying seconds to start one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MIGRATION_NAMES } from '../../db/migrations/index.ts';
import { authenticate } from '../../server/auth/accounts.ts';
import { resolveBearerToken } from '../../server/auth/tokens.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { realBinOnSqlite, runCliInProcess } from '../helpers/cli-in-process.ts';
import { runBackfill } from '../helpers/processes.ts';

for (const kind of databaseKinds) {
  describe(`backfill CLI on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let env: Record<string, string>;

    before(async () => {
      t = await kind.create({ migrate: false });
      env = { DATABASE_URL: t.url };
    });
    after(async () => t?.drop());
    const realBin = realBinOnSqlite(kind);

    it('migrates the database and says when there is nothing to do', async () => {
      const first = await realBin(['migrate'], { env });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, `Applied ${MIGRATION_NAMES.length} migration(s):\n${MIGRATION_NAMES.map((m) => `  ${m}\n`).join('')}`);
      const second = await runCliInProcess(['migrate'], { env });
      assert.equal(second.stdout, 'The database is up to date.\n');
    });

    it('finds a database the sources migrated (tests, npm run dev) up to date: the build records the same migration names', async () => {
      const migrated = await kind.create();
      try {
        const res = await runBackfill(['migrate'], { env: { DATABASE_URL: migrated.url } });
        assert.equal(res.stdout, 'The database is up to date.\n', res.stderr);
      } finally {
        await migrated.drop();
      }
    });

    it('adds an account with a generated password that then logs in', async () => {
      const res = await runCliInProcess(['account', 'add', '--email', 'First.Admin@Example.org', '--role', 'secas'], { env });
      assert.equal(res.code, 0, res.stderr);
      const password = /^Password: (\S+)$/m.exec(res.stdout)?.[1];
      assert.ok(password, res.stdout);
      assert.match(res.stdout, /^Created secas account first\.admin@example\.org\.$/m);
      const account = await authenticate(t.db.knex, 'first.admin@example.org', password);
      assert.equal(account?.role, 'secas');
      const audit = await t.db.knex('audit_log').where({ action: 'account.create' }).first();
      assert.match(audit.actor, /^cli:/);
      assert.equal(audit.actor_kind, 'cli');
      assert.deepEqual(JSON.parse(audit.after), { email: 'first.admin@example.org', role: 'secas' });
    });

    it('takes the password from standard input with --password-stdin and prints none', async () => {
      const res = await realBin(['account', 'add', '--email', 'panel.member@example.org', '--role', 'panel', '--password-stdin'], {
        env,
        input: 'chosen by the member 42\n',
      });
      assert.equal(res.code, 0, res.stderr);
      assert.doesNotMatch(res.stdout, /Password:/);
      assert.equal((await authenticate(t.db.knex, 'panel.member@example.org', 'chosen by the member 42'))?.role, 'panel');
    });

    it('refuses bad input with a sentence and exit code 1, storing nothing', async () => {
      const role = await realBin(['account', 'add', '--email', 'x@example.org', '--role', 'admin'], { env });
      assert.equal(role.code, 1);
      assert.match(role.stderr, /"admin" is not a role; use one of secas, panel, dcc\./);
      const dup = await runCliInProcess(['account', 'add', '--email', 'FIRST.admin@example.org', '--role', 'panel'], { env });
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /An account for first\.admin@example\.org already exists\./);
      const weak = await runCliInProcess(['account', 'add', '--email', 'weak@example.org', '--role', 'dcc', '--password-stdin'], { env, input: 'short\n' });
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /at least 12 characters/);
      assert.equal((await t.db.knex('accounts').whereIn('email', ['x@example.org', 'weak@example.org'])).length, 0);
    });

    it('creates an API token, prints it once and stores only its hash', async () => {
      const res = await runCliInProcess(['token', 'create', '--role', 'dcc', '--name', 'DCC SFTP bridge'], { env });
      assert.equal(res.code, 0, res.stderr);
      const token = /^(bfm_\S+)$/m.exec(res.stdout)?.[1];
      assert.ok(token, res.stdout);
      const principal = await resolveBearerToken(t.db.knex, token);
      assert.deepEqual(principal, { kind: 'token', id: principal?.id, name: 'DCC SFTP bridge', role: 'dcc' });
      const rows = await t.db.knex('api_tokens').select('*');
      assert.doesNotMatch(JSON.stringify(rows), new RegExp(token.slice(4)));
    });

    it('stops with exit code 2 and names a bad setting', async () => {
      const res = await realBin(['migrate'], { env: { DATABASE_URL: 'oracle://nope' } });
      assert.equal(res.code, 2);
      assert.match(res.stderr, /^Configuration error: DATABASE_URL must be sqlite:PATH or mysql:/);
    });
  });
}
