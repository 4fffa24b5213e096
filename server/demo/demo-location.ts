// Where the demo puts its database and files. With neither DATABASE_URL nor DATA_DIR set it uses
// a place of its own, ./data/demo (database ./data/demo/backfill.sqlite), so that `npm run demo` on
// a fresh clone just works and never touches the ./data/backfill.sqlite that `npm start` uses.
// Whatever is set is honoured; a DATA_DIR without DATABASE_URL gets the demo's SQLite file inside it.
import path from 'node:path';

export const DEMO_DATA_DIR = './data/demo';
export const DEMO_DATABASE_FILE = 'backfill.sqlite';

export interface DemoLocation {
  databaseUrl: string;
  dataDir: string;
  /** The demo chose the place (no DATABASE_URL was given). */
  own: boolean;
}

const given = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

export function demoLocation(env: NodeJS.ProcessEnv): DemoLocation {
  const databaseUrl = given(env.DATABASE_URL);
  const dataDir = given(env.DATA_DIR);
  if (databaseUrl !== undefined) return { databaseUrl, dataDir: dataDir ?? './data', own: false };
  const dir = dataDir ?? DEMO_DATA_DIR;
  return { databaseUrl: `sqlite:${path.join(dir, DEMO_DATABASE_FILE)}`, dataDir: dir, own: true };
}

/** A path as short as it can be said from `cwd`: relative (./…) inside it, absolute outside. */
export function shortPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(cwd, file) : `./${relative}`;
}

/** The port the restart command names: the one asked for, or the default when a random one (0) was. */
export function restartPort(port: number): number {
  return port === 0 ? 3000 : port;
}

/**
 * The command that starts the server on the demo's data again (for the closing lines), on `port`,
 * so that a demo started on another port comes back where its users expect it. A MySQL URL is not
 * repeated (it may hold a password): the command says to keep DATABASE_URL as it is.
 */
export function restartCommand(location: DemoLocation, cwd: string, port: number | string = 3000): string {
  const quote = (value: string): string => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
  const dataDir = `DATA_DIR=${quote(shortPath(location.dataDir, cwd))}`;
  if (!location.databaseUrl.startsWith('sqlite:')) return `PORT=${port} ${dataDir} npm start   (with DATABASE_URL set as it is now)`;
  return `PORT=${port} DATABASE_URL=${quote(`sqlite:${shortPath(location.databaseUrl.slice('sqlite:'.length), cwd)}`)} ${dataDir} npm start`;
}
