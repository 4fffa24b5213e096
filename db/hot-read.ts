// One row from a fixed SQL statement, for the few reads made on every page request (the session,
// the data version). Through knex each costs about 40 µs of CPU under load on SQLite — query
// building, the runner, the pool's bookkeeping — where the statement itself takes 2 µs; together
// they were a sixth of a dashboard request (bench:web). On SQLite this takes the pool's one
// connection as knex would (so it waits for any transaction in flight, exactly like a query) and
// runs the kept prepared statement; on MySQL it is knex.raw, whose cost is the round trip anyway.
import type { Knex } from 'knex';
import { isSqlite } from './dialect/is-mysql.ts';

interface SqliteConnection {
  prepare(sql: string): { get(...bindings: unknown[]): unknown };
}

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** The first row `sql` selects with `?` placeholders bound in order, or undefined when none. */
export async function readRow<Row>(knex: Knex, sql: string, bindings: readonly (string | number)[] = []): Promise<Row | undefined> {
  const client = knex.client as PoolClient;
  if (isSqlite(knex)) {
    const connection = (await client.acquireConnection()) as SqliteConnection;
    try {
      return connection.prepare(sql).get(...bindings) as Row | undefined;
    } finally {
      await client.releaseConnection(connection);
    }
  }
  const result = (await knex.raw(sql, bindings as (string | number)[])) as unknown[];
  // mysql2 answers with [rows, fields].
  const rows = (Array.isArray(result[0]) ? result[0] : result) as Row[];
  return rows[0];
}
