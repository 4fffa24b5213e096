// The databases integration tests run on: SQLite always, MySQL/MariaDB when TEST_MYSQL_URL is set.
// Each test file gets its own throwaway database so files cannot see each other's data.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { openDatabase, parseMysqlUrl, type Database } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrate.ts';

export interface TestDatabase {
  name: 'sqlite' | 'mysql';
  url: string;
  db: Database;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'sqlite' | 'mysql';
  /** Why this kind is skipped here, or undefined when it runs. */
  skip: string | undefined;
  create(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

async function createSqlite(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-test-'));
  const url = `sqlite:${path.join(dir, 'test.sqlite')}`;
  const db = openDatabase(url);
  if (options.migrate !== false) await migrateLatest(db);
  return {
    name: 'sqlite',
    url,
    db,
    drop: async () => {
      await db.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createMysql(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = process.env.TEST_MYSQL_URL!;
  const server = parseMysqlUrl(base);
  const name = `bfm_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'mysql2', connection: { ...server, database: server.database || undefined }, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = openDatabase(url);
  if (options.migrate !== false) await migrateLatest(db);
  return {
    name: 'mysql',
    url,
    db,
    drop: async () => {
      await db.close().catch(() => undefined);
      await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}

export const databaseKinds: DatabaseKind[] = [
  { name: 'sqlite', skip: undefined, create: createSqlite },
  {
    name: 'mysql',
    skip: process.env.TEST_MYSQL_URL ? undefined : 'TEST_MYSQL_URL is not set (e.g. mysql://root@127.0.0.1:3306/test)',
    create: createMysql,
  },
];

/**
 * The databases a test runs on, by what it checks. 'sql': what is stored, read, counted or locked,
 * so on each database (MySQL when TEST_MYSQL_URL is set), whose SQL differs. 'not-sql': what a
 * database only sits under — a browser's pages, keyboard and layout, a process's memory — so on
 * SQLite alone: on MySQL it would run no SQL that the 'sql' tests do not already run there.
 */
export function databasesFor(checks: 'sql' | 'not-sql'): DatabaseKind[] {
  return checks === 'sql' ? databaseKinds : databaseKinds.filter((kind) => kind.name === 'sqlite');
}
