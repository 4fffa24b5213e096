// `backfill demo` (issue 6), what `npm run demo` runs: a fresh database filled with a realistic
// generated programme (build-demo.ts), then the server with a login for each role printed. It
// refuses a database that already holds data, unless it is the demo's own and --reset says to
// build it again.
import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { CliIo } from '../cli-support.ts';
import type { Config } from '../config.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { BuiltDemo } from './build-demo.ts';
import { demoLocation, restartCommand, restartPort, shortPath, type DemoLocation } from './demo-location.ts';
import { loginBlock } from './demo-text.ts';
import { DEFAULT_METERS, validateMeters } from './generate-programme.ts';

interface DemoOptions {
  reset?: boolean;
  meters?: string;
  implementationDate?: string;
  scheduler?: boolean;
  serve?: boolean;
}

/** Starts the server on the demo's database: server/main.ts's startServer, given by the CLI's entry point. */
export type StartServer = (
  config: Config & { sessionSecret: string },
  logger: Logger,
  options: { scheduler: boolean },
) => Promise<{ url: string; close(): Promise<void> }>;

export function registerDemoCommands(program: Command, io: CliIo, startServer: StartServer): void {
  program
    .command('demo')
    .description('fill a fresh database with a generated 18-month programme, start the server and print a login for each role')
    .option('--reset', 'empty the demo database first (only one the demo built) and its snapshot archive, then build it again')
    .option('--meters <count>', `meters to backfill, summed over the Users (default ${DEFAULT_METERS.toLocaleString('en-GB')})`)
    .option('--implementation-date <date>', 'the implementation date the 18 months start from (default: the setting, 2018-06-28)')
    .option('--no-scheduler', 'start the web server without the scheduled jobs')
    .option('--no-serve', 'build the demo and stop, without starting the server')
    .action((opts: DemoOptions) => runDemo(opts, io, startServer));
}

/** `npm run demo --no-serve` (without `--`) reaches us as npm_config_serve='' rather than as an argument. */
function npmSays(name: string, env: NodeJS.ProcessEnv): 'on' | 'off' | null {
  const value = env[`npm_config_${name}`];
  if (value === undefined) return null;
  return value === '' || value === 'false' ? 'off' : 'on';
}

function parseMeters(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_METERS;
  const meters = /^\d{1,3}(,\d{3})*$|^\d+$/.test(raw.trim()) ? Number(raw.trim().replaceAll(',', '')) : Number.NaN;
  const problem = validateMeters(meters);
  if (problem) throw new ValidationError(problem.replace(String(meters), JSON.stringify(raw)), [{ field: 'meters', message: problem }]);
  return meters;
}

async function runDemo(opts: DemoOptions, io: CliIo, startServer: StartServer): Promise<void> {
  // Loaded here, not at the top: every `backfill` command would otherwise load the whole server.
  const [
    { buildDemo, parseImplementationDate },
    { parseConfig, resolveSessionSecret },
    { createLogger },
    { closeOnSignals },
    { openDatabase },
    { migrateLatest },
    { resetDemoDatabase },
  ] = await Promise.all([
    import('./build-demo.ts'),
    import('../config.ts'),
    import('../logger.ts'),
    import('../lifecycle.ts'),
    import('../../db/connection.ts'),
    import('../../db/migrate.ts'),
    import('./demo-database.ts'),
  ]);
  const env = io.env;
  const meters = parseMeters(opts.meters);
  const implementationDate = opts.implementationDate === undefined ? undefined : parseImplementationDate(opts.implementationDate);
  const reset = opts.reset === true || npmSays('reset', env) === 'on';
  const serve = opts.serve !== false && npmSays('serve', env) !== 'off';
  const scheduler = opts.scheduler !== false && npmSays('scheduler', env) !== 'off';
  const location = demoLocation(env);
  const config = parseConfig({ ...env, DATABASE_URL: location.databaseUrl, DATA_DIR: location.dataDir });
  // Request logs would bury the login block; LOG_LEVEL brings them back.
  const logger = createLogger(env.LOG_LEVEL ? config.logLevel : 'warn');
  const cwd = process.cwd();
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const tty = io.stdout.isTTY === true;

  const db = openDatabase(config.databaseUrl);
  let built: BuiltDemo;
  try {
    await migrateLatest(db);
    if (reset) {
      await resetDemoDatabase(db, config.dataDir);
      out(`Emptied ${describe(location, cwd)} to build the demo afresh.`);
    } else {
      await refuseIfHeld(db.knex, location, cwd, restartPort(config.port));
    }
    out(`Building the demo in ${describe(location, cwd)}…`);
    built = await buildDemo({
      knex: db.knex,
      dataDir: config.dataDir,
      meters,
      implementationDate,
      chromePath: config.chromePath,
      logger,
      onStep: (line) => out(`  ${line}`),
      onFile: tty ? (done, total) => void io.stdout.write(`\r  Importing snapshot files: ${done} of ${total}${done === total ? '\r\x1b[K' : ''}`) : undefined,
    });
    out(`Built in ${built.seconds.total} s.`);
  } finally {
    await db.close();
  }

  const block = {
    logins: built.logins,
    apiToken: built.apiToken,
    database: describeDatabase(location, cwd),
    dataDir: shortPath(location.dataDir, cwd),
    restart: restartCommand(location, cwd, restartPort(config.port)),
    scheduler,
    lastSnapshot: built.programme.snapshotDates.at(-1)!,
  };
  if (!serve) {
    out(loginBlock({ ...block, url: null }));
    return;
  }
  let running: Awaited<ReturnType<StartServer>>;
  try {
    running = await startServer({ ...config, sessionSecret: resolveSessionSecret(config) }, logger, { scheduler });
  } catch (err) {
    // The passwords are shown once: print them even when the server cannot start (e.g. the port is taken).
    out(loginBlock({ ...block, url: null }));
    throw new Error(
      `the demo is built, but the server could not start (${err instanceof Error ? err.message : String(err)}). Start it on a free port with: ${restartCommand(location, cwd, '…')}`,
      { cause: err },
    );
  }
  out(loginBlock({ ...block, url: running.url }));
  closeOnSignals(logger, () => running.close());
}

async function refuseIfHeld(knex: Knex, location: DemoLocation, cwd: string, port: number): Promise<void> {
  const { builtByDemo, databaseHoldings } = await import('./demo-database.ts');
  const held = await databaseHoldings(knex);
  if (held.length === 0) return;
  const where = describeDatabase(location, cwd);
  if (await builtByDemo(knex)) {
    throw new ConflictError(
      `The demo is already built in ${where} (${held.join(', ')}), so it was left as it is. ` +
        `Start it as it is with \`${restartCommand(location, cwd, port)}\` (its passwords were shown when it was built), ` +
        'or build it afresh with `npm run demo -- --reset`.',
    );
  }
  throw new ConflictError(
    `${where} already holds data (${held.join(', ')}), so the demo will not fill it. ` +
      'Leave DATABASE_URL and DATA_DIR unset to use the demo’s own database in ./data/demo, or point DATABASE_URL at an empty database.',
  );
}

function describeDatabase(location: DemoLocation, cwd: string): string {
  if (!location.databaseUrl.startsWith('sqlite:')) {
    // Never print a password.
    const url = new URL(location.databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  }
  return `sqlite:${shortPath(location.databaseUrl.slice('sqlite:'.length), cwd)}`;
}

function describe(location: DemoLocation, cwd: string): string {
  return `${describeDatabase(location, cwd)} (files in ${shortPath(location.dataDir, cwd)})`;
}
