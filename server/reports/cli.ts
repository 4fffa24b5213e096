// `backfill report generate --month YYYY-MM [--out FILE.pdf] [--json]` (SPEC §6.3).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode, cliActor, withDatabase, type CliIo } from '../cli-support.ts';

export function registerReportCommands(program: Command, io: CliIo): void {
  const report = program.command('report').description('monthly reports to the Panel');
  report
    .command('generate')
    .description('generate a new draft version of a month’s report')
    .requiredOption('--month <YYYY-MM>', 'the month reported on')
    .option('--out <file.pdf>', 'also write the PDF to this file')
    .option('--json', 'print a JSON object on stdout')
    .action(async (opts: { month: string; out?: string; json?: boolean }) => {
      // Chromium's driver, the report's views and the logger are loaded only by the command that needs them.
      const [{ BrowserManager }, { generateReport }, { createViewRenderer }, { createLogger }] = await Promise.all([
        import('./browser.ts'),
        import('./generate-report.ts'),
        import('../templates/views.ts'),
        import('../logger.ts'),
      ]);
      await withDatabase(io, async (db, config) => {
        const logger = createLogger(opts.json ? 'silent' : config.logLevel === 'info' ? 'warn' : config.logLevel);
        const browser = new BrowserManager(config.chromePath, logger);
        try {
          const { report, pdf } = await generateReport({ knex: db.knex, views: createViewRenderer(), browser, logger }, opts.month, cliActor());
          const out = opts.out ? path.resolve(opts.out) : undefined;
          if (out) writeFileSync(out, pdf);
          const result = {
            reportId: report.id,
            month: report.month,
            version: report.version,
            status: report.status,
            asOf: report.as_of,
            snapshotId: report.snapshot_id,
            sha256: report.pdf_sha256,
            pages: report.pages,
            ...(out ? { path: out } : {}),
          };
          if (opts.json) io.stdout.write(`${JSON.stringify(result)}\n`);
          else
            io.stdout.write(
              `Generated version ${report.version} of the ${report.month} report (draft, ${report.pages} pages, as of ${report.as_of}).${out ? `\nWritten to ${out}` : ''}\n`,
            );
        } catch (err) {
          if (!opts.json) throw err;
          io.stdout.write(`${JSON.stringify({ status: 'failed', errors: [{ reason: err instanceof Error ? err.message : String(err) }] })}\n`);
          throw new ExitCode(1);
        } finally {
          await browser.close();
        }
      });
    });
}
