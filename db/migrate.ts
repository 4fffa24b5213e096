// Brings a database to the latest schema. knex's migration lock makes concurrent starts safe.
import type { Database } from './connection.ts';
import { migrationSource } from './migrations/index.ts';

export async function migrateLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Database): Promise<void> {
  await db.knex.migrate.rollback({ migrationSource }, true);
}
