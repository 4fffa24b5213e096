// The `backfill` command (SPEC §6.3). Each subcommand is a thin face over the same services the
// web app uses; changes are audited with the operating-system user as the actor. It reads and
// writes only through the io it is given, so tests can run it in-process.
//
// Defining the commands loads little (commander, and modules without packages of their own); each
// command loads the services, the database driver and the configuration when it runs, so that
// `backfill --help` answers at once. `backfill snapshot …`, which a script may run many times a day,
// defines its own group alone: the other groups' modules are not loaded at all.
import { Command, CommanderError } from 'commander';
import { ROLES } from './auth/roles.ts';
import { cliActor, cliIo, ExitCode, processStreams, readStdin, SAYS_NOTHING, withDatabase, type CliIo, type CliStreams } from './cli-support.ts';
import { AppError } from './errors.ts';
import type { FailurePlaces } from './outage.ts';
import { registerSnapshotCommands } from './snapshots/cli.ts';

/** The commands; given the command line, only the group it names when that is `snapshot`. */
export async function buildCli(io: CliIo, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('backfill')
    .description('backfill-monitor: SECMP0011 MAP ID backfill monitoring')
    // Set before the subcommands are added: they take it over when they are made.
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('bring the database (DATABASE_URL) to the latest schema')
    .action(async () => {
      const [{ parseConfig }, { openDatabase }, { migrateLatest }] = await Promise.all([
        import('./config.ts'),
        import('../db/connection.ts'),
        import('../db/migrate.ts'),
      ]);
      const config = parseConfig(io.env);
      const db = openDatabase(config.databaseUrl, { logger: SAYS_NOTHING });
      try {
        const applied = await migrateLatest(db);
        io.stdout.write(
          applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}` : 'The database is up to date.\n',
        );
      } finally {
        await db.close();
      }
    });

  const account = program.command('account').description('accounts for people');
  account
    .command('add')
    .description('create an account; prints a generated password unless --password-stdin is given')
    .requiredOption('--email <email>', 'e-mail address, used to log in')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from standard input')
    .action(async (opts: { email: string; role: string; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin(io) : undefined;
      const { addAccount } = await import('./auth/accounts.ts');
      await withDatabase(io, async (db) => {
        const { account: row, generatedPassword } = await addAccount(db.knex, { email: opts.email, role: opts.role, password }, cliActor());
        io.stdout.write(`Created ${row.role} account ${row.email}.\n`);
        if (generatedPassword) io.stdout.write(`Password: ${generatedPassword}\n(shown once; ask them to keep it safe)\n`);
      });
    });

  const token = program.command('token').description('API tokens for systems');
  token
    .command('create')
    .description('create an API bearer token; prints it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'which system uses it')
    .action(async (opts: { role: string; name: string }) => {
      const { createApiToken } = await import('./auth/tokens.ts');
      await withDatabase(io, async (db) => {
        const created = await createApiToken(db.knex, { name: opts.name, role: opts.role }, cliActor());
        io.stdout.write(`Created ${created.row.role} token "${created.row.name}". It is shown once; store it now:\n${created.token}\n`);
      });
    });

  registerSnapshotCommands(program, io);
  if (argv[0] === 'snapshot') return program;
  const [{ registerActionCommands }, { registerDemoCommands }, { registerProgrammeCommands }, { registerProgressCommands }, { registerReportCommands }] =
    await Promise.all([
      import('./actions/cli.ts'),
      import('./demo/cli.ts'),
      import('./programme/cli.ts'),
      import('./progress/cli.ts'),
      import('./reports/cli.ts'),
    ]);
  registerProgrammeCommands(program, io);
  registerProgressCommands(program, io);
  registerReportCommands(program, io);
  registerActionCommands(program, io);
  // The server is loaded only when the demo starts it: every other command would pay for it.
  registerDemoCommands(program, io, async (config, logger, options) => (await import('./main.ts')).startServer(config, logger, options));
  return program;
}

/**
 * Runs one command and returns its exit code. It writes to `streams` (the process's own by
 * default) and reads their stdin and env, so a test can run it in-process and read what it said.
 */
export async function runCli(argv: string[], streams: CliStreams = processStreams()): Promise<number> {
  const io = cliIo(streams);
  try {
    await (await buildCli(io, argv)).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ExitCode) return err.code;
    // The command that failed has loaded these already, if it got as far as using them.
    const [{ ConfigError, parseConfig }, { databaseFileOf }, { outageOf }] = await Promise.all([
      import('./config.ts'),
      import('../db/connection.ts'),
      import('./outage.ts'),
    ]);
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    const places = (): FailurePlaces => {
      try {
        const config = parseConfig(io.env);
        return { dataDir: config.dataDir, databaseFile: databaseFileOf(config.databaseUrl) };
      } catch {
        return { dataDir: io.env.DATA_DIR ?? './data' };
      }
    };
    const known = err instanceof AppError ? err : outageOf(err, places());
    if (known) {
      io.stderr.write(`${known.message}\n`);
      return 1;
    }
    io.stderr.write(`backfill: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
