// `backfill actions add|list|export`: the enforcement trail from the command line, through the same
// service as the User page and the API; additions are audited as the OS user. The service loads
// when a command runs (`backfill --help` needs none of it).
import type { Command } from 'commander';
import { cliActor, printLine, refusalsReported, withDatabase, type CliIo } from '../cli-support.ts';
import { textTable } from '../programme/text-table.ts';

/** The longest text a table row shows; --json and export give it whole. */
const TEXT_SHOWN = 60;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > TEXT_SHOWN ? `${flat.slice(0, TEXT_SHOWN - 1)}…` : flat;
}

export function registerActionCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => printLine(io.stdout, text);
  const actions = program.command('actions').description('the enforcement trail: per User, a dated log of actions (letters, meetings, responses, …)');

  actions
    .command('add')
    .description('record an action about a User')
    .requiredOption('--user <id>', 'the User ID (EUI-64), in the Users register')
    .requiredOption('--kind <kind>', 'letter-sent, meeting, response-received, escalation, panel-decision or note')
    .requiredOption('--on <date>', 'when it was taken, YYYY-MM-DD (today or earlier)')
    .requiredOption('--text <text>', 'what was done, sent or received (at most 4,000 characters)')
    .option('--due <date>', 'when the User must answer or act, YYYY-MM-DD')
    .action(async (opts: { user: string; kind: string; on: string; text: string; due?: string }) => {
      await refusalsReported(io, async () => {
        const [{ addEnforcementAction }, { formatDate }] = await Promise.all([import('./enforcement-actions.ts'), import('../templates/view-helpers.ts')]);
        const form = { user_id: opts.user, kind: opts.kind, taken_on: opts.on, due_on: opts.due ?? '', text: opts.text };
        const added = await withDatabase(io, (db) => addEnforcementAction(db.knex, form, cliActor()));
        const due = added.dueOn ? `, due ${formatDate(added.dueOn)}` : '';
        print(`Recorded for ${added.userName} (${added.userId}): ${added.kindLabel.toLowerCase()} on ${formatDate(added.takenOn)}${due} (action ${added.id}).`);
      });
    });

  actions
    .command('list')
    .description('every action (or one User’s) by date, with whether it is overdue today')
    .option('--user <id>', 'only this User’s actions')
    .option('--json', 'print JSON')
    .action(async (opts: { user?: string; json?: boolean }) => {
      await refusalsReported(io, async () => {
        const { actionJson, listActions } = await import('./enforcement-actions.ts');
        const entries = await withDatabase(io, (db) => listActions(db.knex, { userId: opts.user }));
        if (opts.json) return print(JSON.stringify(entries.map(actionJson), null, 2));
        if (entries.length === 0) return print(opts.user ? 'No action is recorded for that User.' : 'No action is recorded.');
        const rows = entries.map((a) => [
          a.takenOn,
          a.userId,
          a.userName,
          a.kindLabel,
          a.dueOn ?? '',
          a.overdue ? 'overdue' : '',
          a.recordedBy,
          oneLine(a.text),
        ]);
        const columns = ['Date', 'User', 'Name', 'Action', 'Due', '', 'Recorded by', 'Text'].map((title) => ({ title }));
        print(textTable(columns, rows));
      });
    });

  actions
    .command('export')
    .description('every action as CSV on standard output (user_id,user_name,kind,taken_on,due_on,text,recorded_by,recorded_at)')
    .action(async () => {
      const { actionsCsv } = await import('./enforcement-actions.ts');
      io.stdout.write(await withDatabase(io, (db) => actionsCsv(db.knex)));
    });
}
