import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markAsDatabaseError, openDatabase } from '../../../db/connection.ts';
import { statusOf } from '../../../server/http/error-status.ts';
import { outageOf } from '../../../server/outage.ts';

const places = { dataDir: '/srv/bfm/data', databaseFile: '/srv/bfm/backfill.sqlite' };
const mysqlPlaces = { dataDir: '/srv/bfm/data' };
const coded = (code: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`driver says ${code}`), { code, ...extra });
const fromDatabase = (code: string): Error => markAsDatabaseError(coded(code));

describe('what a person reads when the database or a disk fails', () => {
  it('says the database cannot be reached (503) for every way a MySQL server goes away or hangs', async () => {
    const unreachable = openDatabase('mysql://root@127.0.0.1:1/nothing');
    const refused = await unreachable.knex.raw('select 1').then(
      () => null,
      (err: unknown) => err,
    );
    await unreachable.close();
    for (const err of [
      refused,
      fromDatabase('ECONNRESET'),
      fromDatabase('ETIMEDOUT'),
      fromDatabase('PROTOCOL_CONNECTION_LOST'),
      fromDatabase('PROTOCOL_SEQUENCE_TIMEOUT'),
      fromDatabase('ER_SERVER_SHUTDOWN'),
      markAsDatabaseError(Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true })),
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' }),
      new Error('wrapped', { cause: fromDatabase('ECONNREFUSED') }),
    ]) {
      const outage = outageOf(err, mysqlPlaces);
      assert.equal(statusOf(outage!), 503, String(err));
      assert.equal(outage!.message, 'The database cannot be reached; try again in a minute. Nothing was changed.');
    }
  });

  it('leaves a client that went away alone: its ECONNRESET is not the database', () => {
    assert.equal(outageOf(coded('ECONNRESET'), mysqlPlaces), null);
    assert.equal(outageOf(coded('ECONNREFUSED'), mysqlPlaces), null);
  });

  it('says the database is busy (503) for locks, and for SQLite waiting on its one connection', () => {
    for (const err of [coded('SQLITE_BUSY'), coded('ER_LOCK_WAIT_TIMEOUT'), Object.assign(new Error('timeout'), { name: 'KnexTimeoutError' })]) {
      const outage = outageOf(err, places);
      assert.equal(statusOf(outage!), 503);
      assert.match(outage!.message, /^The database is busy with other work; try again in a minute\. Nothing was changed\.$/);
    }
  });

  it('names the full disk (507): the database file, DATA_DIR, another folder, or the MySQL server', () => {
    assert.equal(statusOf(outageOf(coded('SQLITE_FULL'), places)!), 507);
    assert.match(
      outageOf(coded('SQLITE_FULL'), places)!.message,
      /^The disk holding the database \(\/srv\/bfm\/backfill\.sqlite\) is full, so nothing was stored\./,
    );
    assert.match(
      outageOf(coded('ENOSPC', { path: '/srv/bfm/data/archive/ab/x.csv' }), places)!.message,
      /^The disk holding the data folder, DATA_DIR \(\/srv\/bfm\/data\) is full/,
    );
    assert.match(
      outageOf(coded('ENOSPC'), places)!.message,
      /^The disk holding the data folder, DATA_DIR \(\/srv\/bfm\/data\) is full/,
      'a write with no path is to DATA_DIR',
    );
    assert.match(outageOf(coded('EDQUOT', { path: '/tmp/other/file' }), places)!.message, /^The disk holding \/tmp\/other is full/);
    const mysqlFull = outageOf(Object.assign(new Error('x'), { code: 'ER_RECORD_FILE_FULL' }), mysqlPlaces);
    assert.equal(statusOf(mysqlFull!), 507);
    assert.match(mysqlFull!.message, /^The database server's disk is full/);
    assert.equal(
      outageOf(
        Object.assign(new Error('x'), { code: 'ER_ERROR_ON_WRITE', sqlMessage: 'Error writing file (Errcode: 28 "No space left on device")' }),
        mysqlPlaces,
      )?.code,
      'insufficient_storage',
    );
  });

  it('says which file or folder cannot be written (503) for I/O errors and read-only disks', () => {
    const file = outageOf(coded('SQLITE_IOERR_WRITE'), places);
    assert.equal(statusOf(file!), 503);
    assert.match(file!.message, /^The database file \/srv\/bfm\/backfill\.sqlite cannot be read or written \(SQLITE_IOERR_WRITE\)/);
    const folder = outageOf(coded('EROFS', { path: '/srv/bfm/data/archive/tmp/import-1.part' }), places);
    assert.equal(statusOf(folder!), 503);
    assert.match(folder!.message, /^The disk holding the data folder, DATA_DIR \(\/srv\/bfm\/data\) cannot be written \(EROFS\)/);
  });

  it('leaves every other error alone (a bug stays a 500 with a reference)', () => {
    for (const err of [new Error('boom'), coded('ER_DUP_ENTRY'), coded('SQLITE_CONSTRAINT_UNIQUE'), coded('EACCES', { path: '/etc/shadow' }), 'text', null]) {
      assert.equal(outageOf(err, places), null, String(err));
    }
  });
});
