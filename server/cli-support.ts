// What every `backfill` subcommand needs: the configured database, the actor the audit log names,
// standard input, and errors that end the command with a sentence and an exit code.
import { userInfo } from 'node:os';
import { openDatabase, type Database } from '../db/connection.ts';
import { migrateLatest } from '../db/migrate.ts';
import type { Actor } from './auth/roles.ts';
import { parseConfig, type Config } from './config.ts';

export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return { kind: 'cli', name: `cli:${name}` };
}

/** Opens the configured database, migrated, for one command; always closes it. */
export async function withDatabase<T>(work: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env);
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateLatest(db);
    return await work(db, config);
  } finally {
    await db.close();
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Ends a command with this exit code once its output is written (e.g. 1 for a refused import). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
