// Opens the database named by DATABASE_URL: the embedded SQLite default or MySQL/MariaDB.
// Everything dialect-specific about connecting lives here.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';

export type Dialect = 'sqlite' | 'mysql';

export interface Database {
  knex: Knex;
  dialect: Dialect;
  /** Where it is, without any password: for logs and the health page. */
  description: string;
  close(): Promise<void>;
}

export function dialectOf(url: string): Dialect {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://')) return 'mysql';
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got "${url}")`);
}

export function openDatabase(url: string): Database {
  const dialect = dialectOf(url);
  const knex = dialect === 'sqlite' ? openSqlite(sqlitePath(url)) : openMysql(url);
  return {
    knex,
    dialect,
    description: dialect === 'sqlite' ? `sqlite:${sqlitePath(url)}` : redactMysqlUrl(url),
    close: () => knex.destroy(),
  };
}

function sqlitePath(url: string): string {
  const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return file === ':memory:' ? file : path.resolve(file);
}

function openSqlite(file: string): Knex {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    // better-sqlite3 is synchronous: one connection serialises access without lock errors.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        reusePreparedStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 10000');
        done(null, conn);
      },
    },
  });
}

interface SqliteStatement {
  readonly busy: boolean;
}

interface SqliteConnection {
  pragma(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
}

const STATEMENTS_KEPT = 256;
const LONGEST_KEPT_SQL = 2000;

/**
 * knex prepares every query afresh: on SQLite about 6 % of the CPU of a dashboard request
 * (bench:web), and the same few queries (session, data version) run for every page. Statements
 * are kept per connection, most recently used first; long one-off SQL (multi-row inserts) is not
 * kept, and a statement still being iterated is never handed out twice.
 */
function reusePreparedStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const kept = new Map<string, SqliteStatement>();
  conn.prepare = (sql: string) => {
    if (sql.length > LONGEST_KEPT_SQL) return prepare(sql);
    let statement = kept.get(sql);
    if (statement && !statement.busy) {
      kept.delete(sql);
      kept.set(sql, statement);
      return statement;
    }
    statement = prepare(sql);
    kept.delete(sql);
    kept.set(sql, statement);
    if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    return statement;
  };
}

export function parseMysqlUrl(url: string): { host: string; port: number; user: string; password: string; database: string } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

function openMysql(url: string): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: {
      ...parseMysqlUrl(url),
      charset: 'utf8mb4',
      // Dates stay the 'YYYY-MM-DD' strings we wrote; instants are UTC strings (db/instant.ts).
      dateStrings: true,
      timezone: 'Z',
      decimalNumbers: true,
      supportBigNumbers: true,
    },
    pool: {
      min: 0,
      max: 10,
      afterCreate(conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query("SET time_zone = '+00:00'", (err) => done(err, conn));
      },
    },
  });
}

function redactMysqlUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
