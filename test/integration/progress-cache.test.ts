// The positions kept per version of the data: a change to anything they come from computes them
// again, while what touches none of it (someone logging in, an account or token, a report
// stored) keeps them — every login is audited, and at thousands of Users computing every position
// again is seconds. On SQLite and MySQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readDataVersion } from '../../db/queries/data-version.ts';
import { recordAudit } from '../../server/audit/record.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { recordDeclaration } from '../../server/programme/declarations.ts';
import { ProgressCache } from '../../server/progress/progress-cache.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { seedSnapshot, seedUsers } from '../helpers/seed.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const AS_OF = '2018-07-31';
const SECAS = { kind: 'account', name: 'secas@example.org' } as const;

for (const kind of databaseKinds) {
  describe(`the positions kept per version of the data on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;

    before(async () => {
      t = await kind.create();
      await seedUsers(t.db.knex, [{ userId: ALPHA, name: 'Alpha' }]);
      await seedSnapshot(t.db.knex, '2018-07-02', { [ALPHA]: { esme: [1000, 100] } });
    });
    after(async () => {
      await t?.drop();
    });

    it('keeps them through logins, accounts and reports, and computes them again after a change they come from', async () => {
      const cache = new ProgressCache(t.db.knex);
      const first = await cache.positionsAt(AS_OF, await readDataVersion(t.db.knex));

      await addAccount(t.db.knex, { email: 'pat@example.org', role: 'panel', password: 'a password 1234' }, SECAS);
      await recordAudit(t.db.knex, { kind: 'account', name: 'pat@example.org' }, { action: 'login', entity: 'account', entityId: 2 });
      await recordAudit(t.db.knex, SECAS, { action: 'report.publish', entity: 'report', entityId: 1 });
      const afterLogins = await readDataVersion(t.db.knex);
      assert.notEqual(afterLogins, first.version);
      const kept = await cache.positionsAt(AS_OF, afterLogins);
      assert.equal(kept.version, afterLogins);
      assert.equal(kept.positions, first.positions, 'the very same positions: nothing was computed again');

      await recordDeclaration(t.db.knex, { user_id: ALPHA, count: '950', received_on: '2018-07-02' }, SECAS);
      const declared = await cache.positionsAt(AS_OF, await readDataVersion(t.db.knex));
      assert.notEqual(declared.positions, first.positions);
      assert.equal(declared.positions.status === 'ok' && declared.positions.users[0]!.declared, 950);

      // A snapshot (as another instance's import would leave it) is a change whatever else is audited.
      await seedSnapshot(t.db.knex, '2018-07-16', { [ALPHA]: { esme: [1000, 400] } }, { sha256: 'f'.repeat(64) });
      const newer = await cache.positionsAt(AS_OF, await readDataVersion(t.db.knex));
      assert.equal(newer.positions.status === 'ok' && newer.positions.asOf, '2018-07-16');
      assert.equal(newer.positions.status === 'ok' && newer.positions.programme.total.outstanding, 600);
    });
  });
}
