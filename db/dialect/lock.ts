// Row locks for read-then-write transactions. MySQL needs SELECT … FOR UPDATE so that two instances
// cannot both read the same rows before either writes; SQLite has none (knex warns and drops it),
// and needs none: its one writer at a time already serialises such transactions.
import type { Knex } from 'knex';
import { isMysql } from './is-mysql.ts';

export function forUpdate<T extends Knex.QueryBuilder>(knex: Knex, query: T): T {
  return isMysql(knex) ? (query.forUpdate() as T) : query;
}
