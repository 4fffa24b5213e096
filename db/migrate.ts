// Brings a database to the latest schema. Several instances may start at once: knex's migration
// lock lets one migrate while the others wait and retry, then find nothing left to do.
import { openDatabase, type Database } from './connection.ts';
import { MIGRATION_NAMES, migrationSource } from './migrations/index.ts';

const LOCK_WAIT_MS = 250;
const LOCK_PATIENCE_MS = 120_000;

function lockedByAnother(err: unknown): boolean {
  return (err as { name?: string }).name === 'MigrationLocked';
}

/**
 * Every migration recorded as applied: then there is nothing to do, and a command (run many times a
 * day by scripts) need not take the migration lock — on SQLite two written transactions, each
 * synced to disk — nor load knex's migrator. Anything else (no table yet, one missing, a
 * migration under way elsewhere) goes the whole way.
 */
async function upToDate(db: Database): Promise<boolean> {
  try {
    const rows = await db.knex<{ name: string }>('knex_migrations').select('name');
    const applied = new Set(rows.map((r) => r.name));
    return MIGRATION_NAMES.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

export async function migrateLatest(db: Database): Promise<string[]> {
  if (await upToDate(db)) return [];
  // A migration may rewrite a large table: on MySQL it runs on connections without the statement
  // time limit that requests have (SQLite has none).
  const migrating = db.dialect === 'mysql' ? openDatabase(db.url, { ...db.options, statementTimeoutMs: 0 }) : db;
  const giveUp = Date.now() + LOCK_PATIENCE_MS;
  try {
    for (;;) {
      try {
        const [, applied] = (await migrating.knex.migrate.latest({ migrationSource })) as [number, string[]];
        return applied;
      } catch (err) {
        if (!lockedByAnother(err) || Date.now() > giveUp) throw err;
        await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
      }
    }
  } finally {
    if (migrating !== db) await migrating.close();
  }
}

export async function rollbackAll(db: Database): Promise<void> {
  await db.knex.migrate.rollback({ migrationSource }, true);
}
