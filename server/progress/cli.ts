// `backfill progress [--as-of DATE] [--json]` (SPEC §6.3): every User's position from the same
// service as the dashboard, the API and the report. The service loads when the command runs
// (`backfill --help` needs none of it).
import type { Command } from 'commander';
import { printLine, refusalsReported, withDatabase, type CliIo } from '../cli-support.ts';

export function registerProgressCommands(program: Command, io: CliIo): void {
  const print = (text: string): void => printLine(io.stdout, text);
  program
    .command('progress')
    .description('every User’s position as of a date, from the newest snapshot on or before it (the definitions: docs/definitions.md)')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .option('--json', 'print the JSON object GET /api/v1/progress answers')
    .action(async (opts: { asOf?: string; json?: boolean }) => {
      await refusalsReported(io, async () => {
        const [{ parseAsOf, planDeadline, progressAsOf }, { earliestFeasibleText, progressText }, { toProgressJson }] = await Promise.all([
          import('./progress-service.ts'),
          import('./progress-text.ts'),
          import('../engine/progress-json.ts'),
        ]);
        const askedAsOf = parseAsOf(opts.asOf, '--as-of');
        if (opts.json) {
          const result = await withDatabase(io, (db) => progressAsOf(db.knex, askedAsOf));
          return print(JSON.stringify(toProgressJson(result), null, 2));
        }
        // The plan holds the same positions, and the earliest feasible deadline besides.
        const plan = await withDatabase(io, (db) => planDeadline(db.knex, { askedAsOf }));
        print(progressText(plan.positions));
        if (plan.earliestFeasible) print(`\n${earliestFeasibleText(plan.earliestFeasible)}`);
      });
    });
}
