// Runs the `backfill` command in this process, as the real bin does but with its output collected
// and its environment given: for tests that run many commands (a process each would take seconds).
import { Readable } from 'node:stream';
import { runCli } from '../../server/cli.ts';
import { runBackfill, type Finished } from './processes.ts';

export async function runCliInProcess(args: string[], options: { env?: Record<string, string>; input?: string; tty?: boolean } = {}): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty === true },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([Buffer.from(options.input ?? '')]),
    env: { ...process.env, LOG_LEVEL: 'silent', ...options.env },
  });
  return { code, stdout, stderr };
}

/**
 * For a check of what only a real process shows (its exit code, reading a piped standard input,
 * finishing its work before it exits): the real bin on SQLite, once, and the command in-process on
 * the other databases, where what differs is the SQL, not the process.
 */
export function realBinOnSqlite(kind: { name: string }): typeof runCliInProcess {
  return kind.name === 'sqlite' ? runBackfill : runCliInProcess;
}
