// Brings a database to the latest schema. Several instances may start at once: knex's migration
// lock lets one migrate while the others wait and retry, then find nothing left to do.
import { openDatabase, type Database } from './connection.ts';
import { migrationSource } from './migrations/index.ts';

const LOCK_WAIT_MS = 250;
const LOCK_PATIENCE_MS = 120_000;

function lockedByAnother(err: unknown): boolean {
  return (err as { name?: string }).name === 'MigrationLocked';
}

export async function migrateLatest(db: Database): Promise<string[]> {
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
