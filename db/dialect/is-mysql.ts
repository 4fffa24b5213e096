// Which database a knex instance talks to: MySQL/MariaDB (mysql2) or the embedded SQLite. The one
// place that knows how to tell; dialect helpers and the few queries that differ ask here.
import type { Knex } from 'knex';

export function isMysql(knex: Knex): boolean {
  const client = knex.client as { config?: { client?: unknown } };
  return client.config?.client === 'mysql2' || client.config?.client === 'mysql';
}

export function isSqlite(knex: Knex): boolean {
  return !isMysql(knex);
}
