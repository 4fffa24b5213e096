// The `backfill` command (SPEC §6.3). Each subcommand is a thin face over the same services the
// web app uses; changes are audited with the operating-system user as the actor.
import { Command, CommanderError } from 'commander';
import { openDatabase } from '../db/connection.ts';
import { migrateLatest } from '../db/migrate.ts';
import { addAccount } from './auth/accounts.ts';
import { ROLES } from './auth/roles.ts';
import { ExitCode, cliActor, readStdin, withDatabase } from './cli-support.ts';
import { createApiToken } from './auth/tokens.ts';
import { ConfigError, parseConfig } from './config.ts';
import { AppError } from './http/errors.ts';
import { registerDemoCommands } from './demo/cli.ts';
import { registerProgrammeCommands } from './programme/cli.ts';
import { registerReportCommands } from './reports/cli.ts';
import { registerSnapshotCommands } from './snapshots/cli.ts';

export function buildCli(): Command {
  const program = new Command('backfill')
    .description('backfill-monitor: SECMP0011 MAP ID backfill monitoring')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('bring the database (DATABASE_URL) to the latest schema')
    .action(async () => {
      const config = parseConfig(process.env);
      const db = openDatabase(config.databaseUrl);
      try {
        const applied = await migrateLatest(db);
        process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}` : 'The database is up to date.\n');
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
      const password = opts.passwordStdin ? await readStdin() : undefined;
      await withDatabase(async (db) => {
        const { account: row, generatedPassword } = await addAccount(db.knex, { email: opts.email, role: opts.role, password }, cliActor());
        process.stdout.write(`Created ${row.role} account ${row.email}.\n`);
        if (generatedPassword) process.stdout.write(`Password: ${generatedPassword}\n(shown once; ask them to keep it safe)\n`);
      });
    });

  const token = program.command('token').description('API tokens for systems');
  token
    .command('create')
    .description('create an API bearer token; prints it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'which system uses it')
    .action(async (opts: { role: string; name: string }) => {
      await withDatabase(async (db) => {
        const created = await createApiToken(db.knex, { name: opts.name, role: opts.role }, cliActor());
        process.stdout.write(`Created ${created.row.role} token "${created.row.name}". It is shown once; store it now:\n${created.token}\n`);
      });
    });

  registerSnapshotCommands(program);
  registerProgrammeCommands(program);
  registerReportCommands(program);
  registerDemoCommands(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ExitCode) return err.code;
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    process.stderr.write(`backfill: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
