// SQLite connections keep their prepared statements: a kept statement must answer exactly what a
// fresh one would, whatever happened to the table since it was prepared.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../../db/connection.ts';

describe('prepared statements kept on a SQLite connection', () => {
  let db: Database;

  before(async () => {
    db = openDatabase('sqlite::memory:');
    await db.knex.schema.createTable('things', (t) => {
      t.increments('id');
      t.string('name');
    });
    await db.knex('things').insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  });

  after(() => db.close());

  it('answers the same query with new bindings and new rows', async () => {
    const named = (name: string) => db.knex('things').where({ name }).select('id');
    assert.deepEqual(await named('b'), [{ id: 2 }]);
    assert.deepEqual(await named('c'), [{ id: 3 }]);
    await db.knex('things').insert({ name: 'b' });
    assert.deepEqual(await named('b'), [{ id: 2 }, { id: 4 }]);
  });

  it('sees a column added after the statement was first prepared', async () => {
    const all = () => db.knex('things').where({ id: 1 }).select('*');
    assert.deepEqual(await all(), [{ id: 1, name: 'a' }]);
    await db.knex.schema.alterTable('things', (t) => t.integer('size').defaultTo(7));
    assert.deepEqual(await all(), [{ id: 1, name: 'a', size: 7 }]);
  });

  it('gives a statement that is still being iterated to no one else', async () => {
    await db.knex.client.acquireConnection().then(async (conn: { prepare(sql: string): { iterate(): IterableIterator<{ id: number }> } }) => {
      try {
        const sql = 'select id from things order by id';
        const outer = conn.prepare(sql).iterate();
        const first = outer.next().value;
        // The same SQL again while the first is part-way: a second statement, not the busy one.
        const inner = [...conn.prepare(sql).iterate()].map((r) => r.id);
        assert.deepEqual(first, { id: 1 });
        assert.deepEqual(inner, [1, 2, 3, 4]);
        assert.deepEqual(
          [...outer].map((r) => r.id),
          [2, 3, 4],
        );
      } finally {
        await db.knex.client.releaseConnection(conn);
      }
    });
  });

  it('runs many distinct queries without running out (the least recently used are let go)', async () => {
    for (let i = 0; i < 600; i++) {
      const rows = await db.knex.raw<Array<{ n: number }>>(`select ${i} as n`);
      assert.equal(rows[0]!.n, i);
    }
    assert.deepEqual(await db.knex('things').where({ name: 'a' }).select('id'), [{ id: 1 }]);
  });
});
