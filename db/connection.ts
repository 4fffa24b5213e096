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
  /** The SQLite file (undefined on MySQL): named when its disk is full or it cannot be written. */
  file: string | undefined;
  /** DATABASE_URL as given (with any password): to open a second connection with other options. */
  url: string;
  /** What it was opened with, for a second connection like it (migrations). */
  options: DatabaseOptions;
  close(): Promise<void>;
}

export function dialectOf(url: string): Dialect {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql://')) return 'mysql';
  throw new Error(`DATABASE_URL must start with sqlite: or mysql:// (got "${url}")`);
}

export interface DatabaseOptions {
  /**
   * Longest a MySQL statement may wait for its answer before it fails (and its connection is
   * dropped); 0 for none. Requests and jobs keep the default, so an outage answers in seconds;
   * migrations (ALTER TABLE on a large table) run without.
   */
  statementTimeoutMs?: number;
  /** Where knex's own warnings go (a lost connection, a failed acquire); the console without one. */
  logger?: DriverLogger | undefined;
}

export interface DriverLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

function knexLog(logger: DriverLogger | undefined): Knex.Config['log'] {
  if (!logger) return undefined;
  const text = (message: unknown): string => (message instanceof Error ? message.message : String(message));
  return {
    warn: (message: unknown) => logger.warn({ component: 'knex' }, text(message)),
    error: (message: unknown) => logger.error({ component: 'knex' }, text(message)),
    deprecate: (method: string, alternative: string) => logger.warn({ component: 'knex' }, `${method} is deprecated; use ${alternative}`),
    debug: () => undefined,
  };
}

/** How long a MySQL connection may take to open, and a request may wait for a free one. */
export const CONNECT_TIMEOUT_MS = 5000;
export const STATEMENT_TIMEOUT_MS = 5000;

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const dialect = dialectOf(url);
  const log = knexLog(options.logger);
  const knex = dialect === 'sqlite' ? openSqlite(sqlitePath(url), log) : openMysql(url, options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS, log);
  markErrorsAsTheDatabases(knex);
  return {
    knex,
    dialect,
    description: dialect === 'sqlite' ? `sqlite:${sqlitePath(url)}` : redactMysqlUrl(url),
    url,
    options,
    file: databaseFileOf(url),
    close: () => knex.destroy(),
  };
}

/** The SQLite file DATABASE_URL names, or undefined for MySQL. */
export function databaseFileOf(url: string): string | undefined {
  return dialectOf(url) === 'sqlite' ? sqlitePath(url) : undefined;
}

function sqlitePath(url: string): string {
  const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return file === ':memory:' ? file : path.resolve(file);
}

function openSqlite(file: string, log: Knex.Config['log']): Knex {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    log,
    connection: { filename: file },
    useNullAsDefault: true,
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    // better-sqlite3 is synchronous: one connection serialises access without lock errors.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        reusePreparedStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma(`busy_timeout = ${CONNECT_TIMEOUT_MS}`);
        done(null, conn);
      },
    },
  });
  keepFirstErrorOfTransactions(knex);
  return knex;
}

const FROM_DATABASE = Symbol.for('backfill-monitor.from-database');

/** The error came from the database (its driver or knex's pool), not from a client's socket or a disk. */
export function isDatabaseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[FROM_DATABASE] === true;
}

/** Marks an error as the database's (see markErrorsAsTheDatabases). */
export function markAsDatabaseError<E>(err: E): E {
  if (typeof err === 'object' && err !== null && !isDatabaseError(err)) Object.defineProperty(err, FROM_DATABASE, { value: true });
  return err;
}

/**
 * ECONNRESET from the database and ECONNRESET from a browser that went away mean different things
 * (503 against a cut upload): errors from running a statement or getting a connection are marked.
 */
function markErrorsAsTheDatabases(knex: Knex): void {
  const client = knex.client as DriverClient & { acquireConnection(): Promise<unknown> };
  const mark = (err: unknown): never => {
    throw markAsDatabaseError(err);
  };
  const query = client._query.bind(client);
  client._query = (connection, obj) => query(connection, obj).catch(mark);
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = () => acquire().catch(mark);
}

interface QueryObject {
  sql?: string;
  options?: Record<string, unknown>;
}

interface DriverClient {
  _query(connection: unknown, obj: QueryObject): Promise<unknown>;
}

/**
 * SQLite ends a transaction by itself when a write fails for want of space (SQLITE_FULL) or on
 * some I/O errors; knex then sends ROLLBACK, which fails with "cannot rollback - no transaction is
 * active", and that error replaced the one that says what happened. A ROLLBACK with no
 * transaction open is skipped, so the transaction fails with its real cause.
 */
function keepFirstErrorOfTransactions(knex: Knex): void {
  const client = knex.client as DriverClient;
  const query = client._query.bind(client);
  client._query = (connection, obj) => {
    if (/^ROLLBACK\b/i.test(obj.sql ?? '') && !(connection as { inTransaction: boolean }).inTransaction) {
      return Promise.resolve(Object.assign(obj, { response: [] }));
    }
    return query(connection, obj);
  };
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

function openMysql(url: string, statementTimeoutMs: number, log: Knex.Config['log']): Knex {
  const knex = knexFactory({
    client: 'mysql2',
    log,
    connection: {
      ...parseMysqlUrl(url),
      charset: 'utf8mb4',
      // Dates stay the 'YYYY-MM-DD' strings we wrote; instants are UTC strings (db/instant.ts).
      dateStrings: true,
      timezone: 'Z',
      decimalNumbers: true,
      supportBigNumbers: true,
      connectTimeout: CONNECT_TIMEOUT_MS,
    },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    pool: {
      min: 0,
      max: 10,
      afterCreate(conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query("SET time_zone = '+00:00'", (err) => done(err, conn));
      },
    },
  });
  if (statementTimeoutMs > 0) limitStatementTime(knex, statementTimeoutMs);
  return knex;
}

interface MysqlConnection {
  __knex__disposed?: unknown;
  destroy(): void;
}

/**
 * A server that hangs (stopped, swapping, a network that drops packets silently) leaves a
 * statement waiting for ever: mysql2 has no default limit. Each statement gets one, and a
 * connection whose statement timed out is dropped, not handed to the next query, which would
 * queue behind the answer that never comes.
 */
function limitStatementTime(knex: Knex, timeoutMs: number): void {
  const client = knex.client as DriverClient;
  const query = client._query.bind(client);
  client._query = (connection, obj) => {
    obj.options = { timeout: timeoutMs, ...obj.options };
    return query(connection, obj).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        const conn = connection as MysqlConnection;
        conn.__knex__disposed = err;
        conn.destroy();
      }
      throw err;
    });
  };
}

function redactMysqlUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
