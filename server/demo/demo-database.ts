// Whether a database may take the demo: what it already holds, whether the demo built it, and
// `--reset`, which empties a demo database (and its snapshot archive) so the demo can be built
// again. A database the demo did not build is never emptied: it may be someone's real programme.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Database } from '../../db/connection.ts';
import { migrateLatest, rollbackAll } from '../../db/migrate.ts';
import { countRowsIn, firstAuditActor } from '../../db/queries/holdings.ts';
import type { Actor } from '../auth/roles.ts';
import { ConflictError } from '../errors.ts';

/** Who the audit log says made the demo's data. */
export const DEMO_ACTOR: Actor = { kind: 'system', name: 'backfill demo' };

/** Under DATA_DIR: where the generated files wait for their import (each is removed once imported; the archive keeps it). */
export const DEMO_FILES_DIR = 'demo-files';

const HOLDINGS: ReadonlyArray<readonly [table: string, one: string, many: string]> = [
  ['snapshots', 'snapshot', 'snapshots'],
  ['snapshot_imports', 'snapshot import', 'snapshot imports'],
  ['accounts', 'account', 'accounts'],
  ['api_tokens', 'API token', 'API tokens'],
  ['dcc_users', 'User', 'Users'],
  ['deadlines', 'deadline', 'deadlines'],
  ['reports', 'report', 'reports'],
  ['enforcement_actions', 'enforcement action', 'enforcement actions'],
];

/** What the database holds that the demo would add to, e.g. ["40 snapshots", "3 accounts"]; empty when it is fresh. */
export async function databaseHoldings(knex: Knex): Promise<string[]> {
  const counts = await countRowsIn(
    knex,
    HOLDINGS.map(([table]) => table),
  );
  return HOLDINGS.flatMap(([table, one, many]) => {
    const n = counts.get(table) ?? 0;
    return n > 0 ? [`${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`] : [];
  });
}

/** True when the first thing the audit log records was done by the demo. */
export async function builtByDemo(knex: Knex): Promise<boolean> {
  const first = await firstAuditActor(knex);
  return first !== undefined && first.kind === DEMO_ACTOR.kind && first.name === DEMO_ACTOR.name;
}

/**
 * Empties a database the demo built (or one that holds nothing) by rolling every migration back and
 * applying them again, and removes the snapshot archive under dataDir that belonged to it.
 * Refuses, changing nothing, for any other database.
 */
export async function resetDemoDatabase(db: Database, dataDir: string): Promise<void> {
  const held = await databaseHoldings(db.knex);
  if (held.length > 0 && !(await builtByDemo(db.knex))) {
    throw new ConflictError(
      `${db.description} holds data the demo did not make (${held.join(', ')}), so --reset left it as it is. ` +
        'Point DATABASE_URL at an empty database, or leave DATABASE_URL and DATA_DIR unset to use the demo’s own (./data/demo).',
    );
  }
  await rollbackAll(db);
  await migrateLatest(db);
  await rm(path.join(dataDir, 'archive'), { recursive: true, force: true });
  await rm(path.join(dataDir, DEMO_FILES_DIR), { recursive: true, force: true });
}
