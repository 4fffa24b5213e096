// Failures of what the service runs on — the database, the disk — turned into the sentence a
// person reads (503, or 507 for a full disk), instead of a driver's message or a generic 500.
// Pages, the API, the CLI and imports all describe them through outageOf().
import path from 'node:path';
import { isDatabaseError } from '../db/connection.ts';
import { DatabaseUnavailableError, InsufficientStorageError, StorageUnavailableError, type AppError } from './errors.ts';

export interface FailurePlaces {
  /** DATA_DIR: the snapshot archive and its temporary files. */
  dataDir: string;
  /** The SQLite file, when that is the database. */
  databaseFile?: string | undefined;
}

/** Connection-level failures: the server is down, unreachable, restarting, hung or overloaded. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_OPTION_PREVENTS_STATEMENT',
]);
const BUSY = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
]);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
const DISK_BROKEN = new Set(['EIO', 'EROFS', 'EACCES', 'EPERM']);
/** MySQL's own "the table / the disk is full" (its data disk, not ours). */
const MYSQL_DISK_FULL = new Set(['ER_RECORD_FILE_FULL', 'ER_DISK_FULL']);

interface FailureShape {
  code?: unknown;
  name?: unknown;
  path?: unknown;
  fatal?: unknown;
  sqlMessage?: unknown;
  cause?: unknown;
}

/** The error and what it wraps (knex and our own errors keep the driver's error as `cause`). */
function* chain(err: unknown): Generator<FailureShape> {
  const seen = new Set<unknown>();
  let current = err;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    yield current;
    current = (current as FailureShape).cause;
  }
}

/** The typed error a person should read for an infrastructure failure, or null for any other error. */
export function outageOf(err: unknown, places: FailurePlaces): AppError | null {
  for (const e of chain(err)) {
    if (e instanceof DatabaseUnavailableError || e instanceof InsufficientStorageError || e instanceof StorageUnavailableError) return e;
    const code = typeof e.code === 'string' ? e.code : '';
    if (DISK_FULL.has(code) || code === 'SQLITE_FULL')
      return new InsufficientStorageError(diskFull(code === 'SQLITE_FULL' ? places.databaseFile : pathOf(e), places));
    if (MYSQL_DISK_FULL.has(code) || (typeof e.sqlMessage === 'string' && /errcode: 28|no space left/i.test(e.sqlMessage))) {
      return new InsufficientStorageError(
        "The database server's disk is full, so nothing was stored. Ask whoever runs the database to free some space, then try again.",
      );
    }
    if (code.startsWith('SQLITE_BUSY') || BUSY.has(code))
      return new DatabaseUnavailableError('The database is busy with other work; try again in a minute. Nothing was changed.');
    if (/^SQLITE_(IOERR|CANTOPEN|READONLY|CORRUPT|NOTADB)/.test(code)) {
      const file = places.databaseFile === undefined ? 'The database file' : `The database file ${places.databaseFile}`;
      return new StorageUnavailableError(`${file} cannot be read or written (${code}); nothing was changed. Tell whoever runs this service.`);
    }
    // ECONNRESET and its kin count only from the database: from a client's socket they mean the
    // client went away.
    if ((isDatabaseError(e) && (UNREACHABLE.has(code) || e.fatal === true)) || e.name === 'KnexTimeoutError') {
      return places.databaseFile !== undefined && e.name === 'KnexTimeoutError'
        ? new DatabaseUnavailableError('The database is busy with other work; try again in a minute. Nothing was changed.')
        : new DatabaseUnavailableError();
    }
    if (DISK_BROKEN.has(code) && typeof e.path === 'string' && isInside(e.path, places.dataDir)) {
      return new StorageUnavailableError(
        `The disk holding ${dataDirName(places)} cannot be written (${code}); nothing was stored. Tell whoever runs this service.`,
      );
    }
  }
  return null;
}

function pathOf(e: FailureShape): string | undefined {
  return typeof e.path === 'string' ? e.path : undefined;
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, path.resolve(file));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function dataDirName(places: FailurePlaces): string {
  return `the data folder, DATA_DIR (${places.dataDir})`;
}

function diskFull(file: string | undefined, places: FailurePlaces): string {
  const where =
    file !== undefined && places.databaseFile !== undefined && path.resolve(file) === path.resolve(places.databaseFile)
      ? `the database (${places.databaseFile})`
      : file === undefined || isInside(file, places.dataDir)
        ? dataDirName(places)
        : path.dirname(path.resolve(file));
  return `The disk holding ${where} is full, so nothing was stored. Free some space on it (or ask whoever runs this service to), then try again.`;
}
