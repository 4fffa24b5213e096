// What every `backfill` subcommand needs: where it reads and writes (the process's own streams and
// environment, or a test's), the configured database, the actor the audit log names, standard
// input, and errors that end the command with a sentence and an exit code.
import { userInfo } from 'node:os';
import type { Database, DriverLogger } from '../db/connection.ts';
import type { Actor } from './auth/roles.ts';
import type { Config } from './config.ts';
import { ValidationError } from './errors.ts';

/** Somewhere a command writes text: process.stdout, or a test's collector. */
export interface CliOutput {
  write(text: string): unknown;
  /** True on a terminal: progress lines are drawn only there. */
  readonly isTTY?: boolean | undefined;
}

/** What runCli is given: output streams, and optionally standard input and the environment. */
export interface CliStreams {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin?: AsyncIterable<string | Uint8Array> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

/** Everything a command reads and writes outside its files and database, so that it can run in-process. */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: AsyncIterable<string | Uint8Array>;
  env: NodeJS.ProcessEnv;
}

export function processStreams(): CliStreams {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Fills in what the caller left out with the process's own. */
export function cliIo(streams: CliStreams): CliIo {
  return { stdout: streams.stdout, stderr: streams.stderr, stdin: streams.stdin ?? process.stdin, env: streams.env ?? process.env };
}

/** Writes text as one line (adding the line end when it has none). */
export function printLine(output: CliOutput, text: string): void {
  output.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function cliActor(): Actor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return { kind: 'cli', name: `cli:${name}` };
}

/**
 * knex's own warnings while a database cannot be reached ("Acquire connection error…"), one per
 * retry: a command ends with one sentence saying what failed (runCli), so they are not printed.
 */
export const SAYS_NOTHING: DriverLogger = { warn: () => undefined, error: () => undefined };

/** Opens the configured database (the io's DATABASE_URL), migrated, for one command; always closes it. */
export async function withDatabase<T>(io: Pick<CliIo, 'env'>, work: (db: Database, config: Config) => Promise<T>): Promise<T> {
  // Loaded by the commands that use them, not by every start of the bin (`backfill --help`).
  const [{ parseConfig }, { openDatabase }, { migrateLatest }] = await Promise.all([
    import('./config.ts'),
    import('../db/connection.ts'),
    import('../db/migrate.ts'),
  ]);
  const config = parseConfig(io.env);
  const db = openDatabase(config.databaseUrl, { logger: SAYS_NOTHING });
  try {
    await migrateLatest(db);
    return await work(db, config);
  } finally {
    await db.close();
  }
}

export async function readStdin(io: Pick<CliIo, 'stdin'>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Ends a command with this exit code once its output is written (e.g. 1 for a refused import). */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A refusal as the operator needs it: the sentence, then every problem on its own line. */
export async function refusalsReported<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const lines = err.fields
      .filter((field) => field.message !== err.message)
      .map((field) => `  ${field.line === undefined ? '' : `line ${field.line}, `}${field.field}: ${field.message}\n`);
    io.stderr.write(`${err.message}\n${lines.join('')}`);
    throw new ExitCode(1);
  }
}
