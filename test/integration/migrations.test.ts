import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrateLatest, rollbackAll } from '../../db/migrate.ts';
import { MIGRATION_NAMES } from '../../db/migrations/index.ts';
import { databaseKinds } from '../helpers/databases.ts';

const TABLES = [
  'accounts',
  'allowances',
  'api_tokens',
  'audit_log',
  'dcc_users',
  'deadlines',
  'declarations',
  'enforcement_actions',
  'holidays',
  'job_locks',
  'job_runs',
  'login_failures',
  'map_register',
  'reports',
  'sessions',
  'settings',
  'snapshot_counts',
  'snapshot_imports',
  'snapshot_rejections',
  'snapshots',
];

for (const kind of databaseKinds) {
  describe(`migrations on ${kind.name}`, { skip: kind.skip }, () => {
    it('create the whole data model, roll back to nothing, and apply again', async () => {
      const t = await kind.create({ migrate: false });
      try {
        const applied = await migrateLatest(t.db);
        assert.deepEqual(applied, MIGRATION_NAMES);
        for (const table of TABLES) assert.equal(await t.db.knex.schema.hasTable(table), true, `table ${table}`);
        assert.deepEqual(await migrateLatest(t.db), [], 'a second run has nothing to do');

        await rollbackAll(t.db);
        for (const table of TABLES) assert.equal(await t.db.knex.schema.hasTable(table), false, `table ${table} after rollback`);

        assert.deepEqual(await migrateLatest(t.db), MIGRATION_NAMES);
      } finally {
        await t.drop();
      }
    });

    it('store dates, instants and a large binary unchanged, and roll back with rows in place', async () => {
      const t = await kind.create();
      try {
        const { knex } = t.db;
        await knex('dcc_users').insert({
          user_id: '90-B3-D5-1F-30-01-00-0A',
          name: 'Alpha & "Sons" <b>',
          registered: true,
          created_at: '2026-03-29 00:30:00.123',
          updated_at: '2026-03-29 01:30:00.456',
        });
        await knex('deadlines').insert({
          deadline: '2019-03-29',
          decided_on: '2018-12-31',
          reason: 'Panel decision',
          recorded_by: 'test',
          recorded_at: '2026-10-25 01:30:00.000',
        });
        const user = await knex('dcc_users').first();
        assert.equal(user.name, 'Alpha & "Sons" <b>');
        assert.equal(user.created_at, '2026-03-29 00:30:00.123');
        const deadline = await knex('deadlines').first();
        assert.equal(deadline.deadline, '2019-03-29');
        assert.equal(deadline.recorded_at, '2026-10-25 01:30:00.000');

        // A 3 MB PDF would not fit MySQL's plain BLOB (64 KiB): the reports table must take it.
        const pdf = Buffer.alloc(3 * 1024 * 1024, 7);
        await knex('snapshots').insert({
          as_of: '2018-07-02',
          sha256: 'a'.repeat(64),
          file_name: 'x.csv',
          byte_size: 1,
          gzip: false,
          archive_path: 'x',
          rows: 1,
          accepted: 1,
          rejected: 0,
          source: 'cli',
          uploaded_by: 'test',
          imported_at: '2026-11-28 10:00:00.000',
        });
        const snapshot = await knex('snapshots').first();
        await knex('reports').insert({
          month: '2018-07',
          version: 1,
          status: 'draft',
          snapshot_id: snapshot.id,
          snapshot_sha256: 'a'.repeat(64),
          as_of: '2018-07-02',
          pdf,
          pdf_sha256: 'b'.repeat(64),
          pages: 1,
          csv: 'a,b\n',
          generated_by: 'test',
          generated_at: '2026-11-28 10:00:00.000',
        });
        const report = await knex('reports').first();
        assert.equal(Buffer.compare(report.pdf as Buffer, pdf), 0);

        // Rolling back works with rows in place (the demo's --reset does it on a full database).
        await rollbackAll(t.db);
        for (const table of TABLES) assert.equal(await t.db.knex.schema.hasTable(table), false, `table ${table} after rollback`);
        assert.deepEqual(await migrateLatest(t.db), MIGRATION_NAMES);
      } finally {
        await t.drop();
      }
    });
  });
}
