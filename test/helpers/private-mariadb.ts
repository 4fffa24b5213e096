// A MariaDB server of the test's own — its own data folder and port — that the test may freeze
// (SIGSTOP), thaw, kill (SIGKILL) and start again, to see what the app does while its database is
// gone. Needs the mariadbd binary (Debian's mariadb-server), which CI machines have.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { freePort, waitFor } from './processes.ts';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

/** Why a private MariaDB cannot run here, or undefined when it can. */
export const privateMariadbSkip: string | undefined =
  existsSync(MARIADBD) && existsSync(INSTALL_DB) ? undefined : `${MARIADBD} or ${INSTALL_DB} is missing (apt-get install mariadb-server)`;

export interface PrivateMariadb {
  /** mysql://root@127.0.0.1:PORT/DATABASE, a database created for the test. */
  url: string;
  /** Stops the server answering without closing a connection (SIGSTOP), as a hung or swapping host would. */
  freeze(): void;
  thaw(): void;
  /** SIGKILL, and waits for the process to be gone: connections drop, new ones are refused. */
  kill(): Promise<void>;
  /** Starts it again on the same data folder and port, and waits until it answers. */
  restart(): Promise<void>;
  /** Kills it and removes its data folder. */
  destroy(): Promise<void>;
}

export async function startPrivateMariadb(database = 'faults'): Promise<PrivateMariadb> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-mariadb-'));
  const installed = spawnSync(
    INSTALL_DB,
    ['--no-defaults', `--datadir=${path.join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=root'],
    { encoding: 'utf8' },
  );
  if (installed.status !== 0) throw new Error(`mariadb-install-db failed: ${installed.stderr}`);
  const port = await freePort();
  let server: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    server = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${path.join(dir, 'data')}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${path.join(dir, 'mariadb.sock')}`,
        `--pid-file=${path.join(dir, 'mariadb.pid')}`,
        `--log-error=${path.join(dir, 'error.log')}`,
        '--user=root',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(async () => {
      const probe = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 }, pool: { min: 0, max: 1 } });
      try {
        await probe.raw('select 1');
        return true;
      } finally {
        await probe.destroy();
      }
    }, `the private MariaDB on port ${port} to answer`);
  };

  const kill = async (): Promise<void> => {
    const running = server;
    if (running === null || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };

  await start();
  const admin = knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port, user: 'root' }, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.destroy();

  const signal = (name: NodeJS.Signals): void => {
    if (server?.pid === undefined) throw new Error('the private MariaDB is not running');
    process.kill(server.pid, name);
  };
  return {
    url: `mysql://root@127.0.0.1:${port}/${database}`,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    destroy: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
