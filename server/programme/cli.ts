// `backfill settings|deadline|users|map-register|declarations|allowances|holidays …`
// (SPEC §6.3): thin faces over the same services the pages use, audited as the OS user. Each
// command loads its services when it runs (`backfill --help` needs none of them).
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { Actor } from '../auth/roles.ts';
import { cliActor, printLine, refusalsReported, withDatabase, type CliIo } from '../cli-support.ts';
import { ValidationError } from '../errors.ts';
import { londonToday } from '../engine/calendar.ts';
import type { ImportSummary } from './import-file.ts';
import { changeSetting, loadSettings, SETTING_DEFINITIONS } from './settings.ts';
import { textTable } from './text-table.ts';

/** Reference files are small; a bigger one is surely not the file meant. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

async function readImportFile(file: string): Promise<Buffer> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new ValidationError(`There is no file ${file}.`, [{ field: 'file', message: `There is no file ${file}.` }]);
  if (info.size > MAX_FILE_BYTES) {
    throw new ValidationError(`${file} is larger than 10 MB; a reference-data file is far smaller. Check it is the right file.`, [
      { field: 'file', message: 'larger than 10 MB' },
    ]);
  }
  return readFile(file);
}

/** The import and export of one kind of reference data, loaded when one of its commands runs. */
type FileKind = () => Promise<{
  importer: (knex: Knex, content: Buffer, fileName: string, actor: Actor) => Promise<ImportSummary>;
  exporter: (knex: Knex) => Promise<string>;
}>;

const SETTINGS_FILE: FileKind = async () => {
  const { importSettings, settingsCsv } = await import('./settings-file.ts');
  return { importer: importSettings, exporter: settingsCsv };
};
const DEADLINES_FILE: FileKind = async () => {
  const { importDeadlines, deadlinesCsv } = await import('./deadline.ts');
  return { importer: importDeadlines, exporter: deadlinesCsv };
};
const HOLIDAYS_FILE: FileKind = async () => {
  const { importHolidays, holidaysCsv } = await import('./holidays.ts');
  return { importer: importHolidays, exporter: holidaysCsv };
};
const USERS_FILE: FileKind = async () => {
  const { importUsers, usersCsv } = await import('./users-register.ts');
  return { importer: importUsers, exporter: usersCsv };
};
const MAP_REGISTER_FILE: FileKind = async () => {
  const { importMapRegister, mapRegisterCsv } = await import('./map-register.ts');
  return { importer: importMapRegister, exporter: mapRegisterCsv };
};
const DECLARATIONS_FILE: FileKind = async () => {
  const { importDeclarations, declarationsCsv } = await import('./declarations.ts');
  return { importer: importDeclarations, exporter: declarationsCsv };
};
const ALLOWANCES_FILE: FileKind = async () => {
  const { importAllowances, allowancesCsv } = await import('./allowances.ts');
  return { importer: importAllowances, exporter: allowancesCsv };
};

/** `<name> import FILE` and `<name> export [--out FILE]` for one kind of reference data. */
function fileCommands(io: CliIo, parent: Command, columns: string, kind: FileKind): void {
  parent
    .command('import')
    .description(`add or change records from a CSV file (${columns}); all rows or none`)
    .argument('<file>', 'the CSV file')
    .action(async (file: string) => {
      await refusalsReported(io, async () => {
        const [{ importer }, { summarySentence }] = await Promise.all([kind(), import('./import-file.ts')]);
        const content = await readImportFile(file);
        const summary = await withDatabase(io, (db) => importer(db.knex, content, path.basename(file), cliActor()));
        printLine(io.stdout, summarySentence(path.basename(file), summary));
      });
    });
  parent
    .command('export')
    .description('write the records as CSV, in the columns import reads')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { out?: string }) => {
      const { exporter } = await kind();
      const csv = await withDatabase(io, (db) => exporter(db.knex));
      if (opts.out) await writeFile(opts.out, csv);
      else io.stdout.write(csv);
    });
}

function settingsCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => printLine(io.stdout, text);
  const settings = program.command('settings').description('programme settings');
  settings
    .command('list')
    .description('every setting and the value in force')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const values = await withDatabase(io, (db) => loadSettings(db.knex));
      if (opts.json) return print(JSON.stringify(values, null, 2));
      const rows = Object.entries(SETTING_DEFINITIONS).map(([key, definition]) => {
        const value = values[key as keyof typeof SETTING_DEFINITIONS];
        return [definition.name, value === null ? '(default)' : String(value), definition.label];
      });
      print(textTable([{ title: 'Key' }, { title: 'Value' }, { title: 'Meaning' }], rows) + `time-zone  ${values.timeZone}  (fixed)`);
    });
  settings
    .command('set')
    .description(
      `change a setting: ${Object.values(SETTING_DEFINITIONS)
        .map((d) => d.name)
        .join(', ')}`,
    )
    .argument('<key>')
    .argument('<value>')
    .action(async (key: string, value: string) => {
      await refusalsReported(io, async () => {
        const change = await withDatabase(io, (db) => changeSetting(db.knex, key, value, cliActor()));
        const name = SETTING_DEFINITIONS[change.key].name;
        print(`${name}: ${String(change.before ?? '(default)')} → ${String(change.after ?? '(default)')}`);
      });
    });
  fileCommands(io, settings, 'key,value', SETTINGS_FILE);
}

function deadlineCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => printLine(io.stdout, text);
  const deadline = program.command('deadline').description('the Panel deadline and its history');
  deadline
    .command('set')
    .description('record a new deadline decided by the Panel')
    .argument('<date>', 'the deadline, YYYY-MM-DD')
    .requiredOption('--reason <text>', 'why the Panel set or moved it')
    .option('--decided-on <date>', 'when the Panel decided (default: today)')
    .action(async (date: string, opts: { reason: string; decidedOn?: string }) => {
      await refusalsReported(io, async () => {
        const { setDeadline } = await import('./deadline.ts');
        const form = { deadline: date, reason: opts.reason, decided_on: opts.decidedOn ?? londonToday() };
        const { decision, summary } = await withDatabase(io, (db) => setDeadline(db.knex, form, cliActor()));
        print(
          summary.added
            ? `The deadline is now ${decision.deadline} (decided on ${decision.decidedOn}).`
            : `That decision (${decision.deadline}, decided on ${decision.decidedOn}) is already recorded; nothing changed.`,
        );
      });
    });
  deadline
    .command('show')
    .description('the deadline in force and its history')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listDeadlines } = await import('./deadline.ts');
      const history = await withDatabase(io, (db) => listDeadlines(db.knex));
      if (opts.json) return print(JSON.stringify({ deadline: history[0]?.deadline ?? null, history }, null, 2));
      if (history.length === 0) return print('No deadline has been set.');
      const rows = history.map((entry, index) => [entry.deadline, entry.decidedOn, index === 0 ? 'in force' : '', entry.recordedBy, entry.reason]);
      print(textTable([{ title: 'Deadline' }, { title: 'Decided on' }, { title: '' }, { title: 'Recorded by' }, { title: 'Reason' }], rows));
    });
  deadline
    .command('what-if')
    .description('each User’s RAG now and under a proposed deadline (and allowances scaled), and the earliest feasible deadline')
    .argument('<date>', 'the proposed deadline, YYYY-MM-DD')
    .option('--allowance-factor <number>', 'every allowance at this many times itself, e.g. 1.5 (default: as recorded)')
    .option('--as-of <date>', 'positions as of this date (default: today)')
    .option('--json', 'print JSON')
    .action(async (date: string, opts: { allowanceFactor?: string; asOf?: string; json?: boolean }) => {
      await refusalsReported(io, async () => {
        const [{ parseAsOf, planDeadline }, { whatIfText }, { factorRule }] = await Promise.all([
          import('../progress/progress-service.ts'),
          import('../progress/progress-text.ts'),
          import('./what-if-question.ts'),
        ]);
        const proposed = parseAsOf(date, 'date');
        const askedAsOf = parseAsOf(opts.asOf, '--as-of');
        const factor = opts.allowanceFactor === undefined ? null : factorRule(opts.allowanceFactor.trim());
        if (factor && !factor.ok) throw new ValidationError(`--allowance-factor: ${factor.error}`);
        const allowancePercent = factor?.ok ? factor.value.percent : null;
        const plan = await withDatabase(io, (db) => planDeadline(db.knex, { askedAsOf, proposed, allowancePercent }));
        if (opts.json) return print(JSON.stringify(plan.proposal ?? { status: 'no-snapshot', askedAsOf, proposedDeadline: proposed }, null, 2));
        if (!plan.proposal) return print(`There is no snapshot on or before ${askedAsOf}, so there is nothing to plan from.`);
        print(whatIfText(plan.proposal));
      });
    });
  fileCommands(io, deadline, 'deadline,decided_on,reason', DEADLINES_FILE);
}

function holidayCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => printLine(io.stdout, text);
  const holidays = program.command('holidays').description('bank holidays that are not Working Days');
  holidays
    .command('add')
    .description('add a holiday (or rename a listed one)')
    .argument('<date>', 'YYYY-MM-DD, a weekday')
    .argument('<name...>', 'what the day is')
    .action(async (date: string, name: string[]) => {
      await refusalsReported(io, async () => {
        const { addHoliday } = await import('./holidays.ts');
        const { holiday, summary } = await withDatabase(io, (db) => addHoliday(db.knex, { date, name: name.join(' ') }, cliActor()));
        print(
          summary.unchanged
            ? `${holiday.date} is already listed as ${holiday.name}.`
            : `${holiday.date} (${holiday.name}) is now a holiday, not a Working Day.`,
        );
      });
    });
  holidays
    .command('remove')
    .description('make a listed holiday a Working Day again')
    .argument('<date>', 'YYYY-MM-DD')
    .action(async (date: string) => {
      await refusalsReported(io, async () => {
        const { removeHoliday } = await import('./holidays.ts');
        const removed = await withDatabase(io, (db) => removeHoliday(db.knex, { date }, cliActor()));
        print(`${removed.date} (${removed.name}) is a Working Day again.`);
      });
    });
  fileCommands(io, holidays, 'date,name', HOLIDAYS_FILE);
}

export function registerProgrammeCommands(program: Command, io: CliIo): void {
  settingsCommands(program, io);
  deadlineCommands(program, io);
  fileCommands(io, program.command('users').description('the Users register'), 'user_id,name[,short_name]', USERS_FILE);
  fileCommands(io, program.command('map-register').description('the MAP register'), 'map_id,name', MAP_REGISTER_FILE);
  fileCommands(io, program.command('declarations').description('declarations received by the DCC'), 'user_id,count,received_on', DECLARATIONS_FILE);
  fileCommands(
    io,
    program.command('allowances').description('allowances confirmed by the DCC'),
    'user_id,per_day,effective_from,confirmed_on',
    ALLOWANCES_FILE,
  );
  holidayCommands(program, io);
}
