// `backfill report generate|correct|publish|list` (SPEC §6.3): the monthly report's life from the
// command line, with --json for systems and tests.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, cliActor, withDatabase, type CliIo } from '../cli-support.ts';
import { ValidationError } from '../errors.ts';
import type { GeneratedReport, ReportText } from './generate-report.ts';

/** Reads a file SECAS wrote (the summary), saying which file when it cannot. */
function readTextFile(file: string | undefined, field: string): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch (err) {
    const message = `The file ${file} could not be read: ${err instanceof Error ? err.message : String(err)}`;
    throw new ValidationError(message, [{ field, message }]);
  }
}

function parseVersion(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d{0,5}$/.test(raw))
    throw new ValidationError(`The version must be a whole number from 1 (got "${raw}").`, [{ field: 'version', message: 'a whole number' }]);
  return Number(raw);
}

interface MakeOptions {
  month: string;
  out?: string;
  json?: boolean;
  summaryFile?: string;
  decisionsFile?: string;
}

export function registerReportCommands(program: Command, io: CliIo): void {
  const report = program.command('report').description('monthly reports to the Panel');

  /** generate and correct: render a new draft version, print what it says. */
  const make = async (opts: MakeOptions, text: Omit<ReportText, 'summary' | 'decisions'>): Promise<void> => {
    // Chromium's driver, the report's views and the logger are loaded only by the commands that need them.
    const [{ BrowserManager }, { generateReport }, { createViewRenderer }, { createLogger }, { changesJson, supersedesJson }] = await Promise.all([
      import('./browser.ts'),
      import('./generate-report.ts'),
      import('../templates/views.ts'),
      import('../logger.ts'),
      import('./report-json.ts'),
    ]);
    await withDatabase(io, async (db, config) => {
      const logger = createLogger(opts.json ? 'silent' : config.logLevel === 'info' ? 'warn' : config.logLevel);
      const browser = new BrowserManager(config.chromePath, logger);
      try {
        const words = { summary: readTextFile(opts.summaryFile, 'summary'), decisions: readTextFile(opts.decisionsFile, 'decisions') };
        const generated: GeneratedReport = await generateReport(
          { knex: db.knex, views: createViewRenderer(), browser, logger },
          opts.month,
          cliActor(),
          {},
          {
            ...text,
            ...(words.summary === undefined ? {} : { summary: words.summary }),
            ...(words.decisions === undefined ? {} : { decisions: words.decisions }),
          },
        );
        const { report: row, pdf, model } = generated;
        const out = opts.out ? path.resolve(opts.out) : undefined;
        if (out) writeFileSync(out, pdf);
        const result = {
          reportId: row.id,
          month: row.month,
          version: row.version,
          status: row.status,
          asOf: row.as_of,
          snapshotId: row.snapshot_id,
          sha256: row.pdf_sha256,
          pages: row.pages,
          changes: changesJson(model.changes),
          stale: model.staleness.stale,
          summary: row.summary,
          supersedes: supersedesJson(row),
          ...(out ? { path: out } : {}),
        };
        if (opts.json) io.stdout.write(`${JSON.stringify(result)}\n`);
        else
          io.stdout.write(
            `Generated version ${row.version} of the ${row.month} report (draft, ${row.pages} pages, as of ${row.as_of})` +
              `${result.supersedes ? `, correcting version ${result.supersedes.version}` : ''}.` +
              `${result.stale ? '\nIts data is stale: see the notice on its cover.' : ''}${out ? `\nWritten to ${out}` : ''}\n`,
          );
      } catch (err) {
        if (!opts.json) throw err;
        io.stdout.write(`${JSON.stringify({ status: 'failed', errors: [{ reason: err instanceof Error ? err.message : String(err) }] })}\n`);
        throw new ExitCode(1);
      } finally {
        await browser.close();
      }
    });
  };

  report
    .command('generate')
    .description('generate a new draft version of a month’s report')
    .requiredOption('--month <YYYY-MM>', 'the month reported on')
    .option('--summary-file <file>', 'SECAS’s executive summary (plain text; blank lines between paragraphs, "- " for lists)')
    .option('--decisions-file <file>', 'decisions sought from the Panel, one a line')
    .option('--out <file.pdf>', 'also write the PDF to this file')
    .option('--json', 'print a JSON object on stdout')
    .action((opts: MakeOptions) => make(opts, {}));

  report
    .command('correct')
    .description('draft a correction of a month’s published report; published, it supersedes that one')
    .requiredOption('--month <YYYY-MM>', 'the month whose published report is corrected')
    .requiredOption('--reason <text>', 'why: printed on the new cover as "Supersedes version N: reason"')
    .option('--summary-file <file>', 'a new executive summary (otherwise the previous version’s is kept)')
    .option('--decisions-file <file>', 'decisions sought from the Panel, one a line')
    .option('--out <file.pdf>', 'also write the PDF to this file')
    .option('--json', 'print a JSON object on stdout')
    .action((opts: MakeOptions & { reason: string }) => make(opts, { correctionReason: opts.reason }));

  report
    .command('publish')
    .description('publish a draft: the Panel sees it, and it can no longer change')
    .requiredOption('--month <YYYY-MM>', 'the month')
    .option('--version <n>', 'the version to publish (default: the month’s latest)')
    .option('--json', 'print a JSON object on stdout')
    .action(async (opts: { month: string; version?: string; json?: boolean }) => {
      const [{ parseMonth }, { publish, versionToPublish }, { listedReportJson }] = await Promise.all([
        import('./generate-report.ts'),
        import('./publish-report.ts'),
        import('./report-json.ts'),
      ]);
      const month = parseMonth(opts.month);
      const version = parseVersion(opts.version);
      await withDatabase(io, async (db) => {
        const chosen = await versionToPublish(db.knex, month, version);
        const published = await publish(db.knex, chosen.id, cliActor());
        if (opts.json) io.stdout.write(`${JSON.stringify(listedReportJson(published))}\n`);
        else
          io.stdout.write(
            `Published version ${published.version} of the ${published.month} report${published.supersedes_version === null ? '' : `; version ${published.supersedes_version} is superseded`}.\n`,
          );
      });
    });

  report
    .command('list')
    .description('every version of every month’s report, newest first')
    .option('--json', 'print a JSON array on stdout')
    .action(async (opts: { json?: boolean }) => {
      const [{ listReports }, { listedReportJson }] = await Promise.all([import('../../db/queries/reports.ts'), import('./report-json.ts')]);
      await withDatabase(io, async (db) => {
        const rows = (await listReports(db.knex, { publishedOnly: false })).map(listedReportJson);
        if (opts.json) {
          io.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        if (rows.length === 0) {
          io.stdout.write('No report has been generated yet.\n');
          return;
        }
        for (const r of rows)
          io.stdout.write(
            `${r.month}  v${String(r.version).padEnd(3)} ${r.status.padEnd(10)} as of ${r.asOf}  ${r.sha256.slice(0, 12)}${r.supersedes ? `  supersedes v${r.supersedes.version}: ${r.supersedes.reason}` : ''}\n`,
          );
      });
    });
}
