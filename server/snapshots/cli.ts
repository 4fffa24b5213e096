// `backfill snapshot import FILE [--as-of D] [--json]` (SPEC §6.3): the same ingest as the web and
// the API, with the file read straight from disk. --json prints SPEC's object and nothing else;
// on a terminal a progress line shows rows, megabytes and rate. Exit 0 imported or duplicate,
// 1 refused. The command returns once the import has committed: compressing a plain file's archive
// copy is left to the archive job of the server or `npm run worker` (ingest/archive.ts).
// `backfill snapshot recount [--list]` recounts snapshots counted under other rules.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { cliActor, ExitCode, withDatabase, type CliIo, type CliOutput } from '../cli-support.ts';
import type * as Ingest from './ingest/ingest-snapshot.ts';
import type { IngestOutcome } from './ingest/ingest-types.ts';
import { formatProgressLine } from './progress-line.ts';

const PROGRESS_EVERY_MS = 250;
/** Rejected rows listed in the human-readable summary; --json lists them all. */
const ROWS_LISTED = 20;

export function registerSnapshotCommands(program: Command, io: CliIo): void {
  const snapshot = program.command('snapshot').description('inventory snapshots from the DCC');
  snapshot
    .command('import')
    .description('import a snapshot file (CSV, or CSV compressed with gzip)')
    .argument('<file>', 'the snapshot file')
    .option('--as-of <date>', 'the as-of date, YYYY-MM-DD (default: a date YYYYMMDD or YYYY-MM-DD in the file name)')
    .option('--json', 'print the result as one JSON object')
    .action(async (file: string, opts: { asOf?: string; json?: boolean }) => {
      const json = opts.json === true;
      // The ingest is loaded when an import runs: `backfill --help` does without it.
      const ingest = await import('./ingest/ingest-snapshot.ts');
      const { ingestSnapshot } = ingest;
      const found = await stat(file).catch(() => null);
      if (found === null || !found.isFile()) {
        report(io, ingest, json, unreadable(file, found === null ? `there is no file ${JSON.stringify(file)}` : `${JSON.stringify(file)} is not a file`));
        throw new ExitCode(1);
      }
      const size = found.size;
      const outcome = await withDatabase(io, async (db, config) => {
        const progress = json || io.stdout.isTTY !== true ? null : new ProgressLine(io.stdout, size);
        let result: IngestOutcome;
        try {
          result = await ingestSnapshot(
            { knex: db.knex, dataDir: config.dataDir, databaseFile: db.file },
            {
              source: 'cli',
              fileName: path.basename(file),
              asOf: opts.asOf,
              actor: cliActor(),
              bytes: { kind: 'file', path: file },
              leaveCompressionToJob: true,
              onProgress: (p) => progress?.update(p.rows, p.bytes),
            },
          );
        } catch (err) {
          progress?.clear();
          // A full disk or a database gone is said as such, by runCli, whichever step met it first.
          const { outageOf } = await import('../outage.ts');
          const outage = outageOf(err, { dataDir: config.dataDir, databaseFile: db.file });
          if (outage) throw outage;
          // Recorded as failed by the ingest; said here in the command's own terms.
          report(io, ingest, json, unreadable(file, err instanceof Error ? err.message : String(err)));
          return null;
        }
        progress?.clear();
        report(io, ingest, json, result);
        return result;
      });
      if (outcome === null || outcome.status === 'failed') throw new ExitCode(1);
    });
  snapshot
    .command('recount')
    .description('recount, from their archived files, the snapshots counted with a MAP register or implementation date other than those in force')
    .option('--list', 'only list them, with what differs')
    .action(async (opts: { list?: boolean }) => {
      const { recountSnapshots, snapshotsToRecount } = await import('./recount/recount.ts');
      await withDatabase(io, async (db, config) => {
        const { snapshots } = await snapshotsToRecount(db.knex);
        if (snapshots.length === 0) {
          io.stdout.write('Every snapshot is counted with the rules in force; nothing to recount.\n');
          return;
        }
        const lines = snapshots.map(
          (s) => `  snapshot ${s.id} as of ${s.asOf}${s.supersededBy === null ? '' : ` (superseded by ${s.supersededBy})`}: ${s.why}`,
        );
        io.stdout.write([`${snapshots.length} snapshot(s) counted with other rules:`, ...lines].join('\n') + '\n');
        if (opts.list === true) return;
        try {
          const result = await recountSnapshots({ knex: db.knex, dataDir: config.dataDir }, cliActor());
          for (const r of result.recounted) io.stdout.write(`  snapshot ${r.id}: ${r.usersChanged} User(s) with changed figures\n`);
          io.stdout.write(`${result.summary}\n`);
        } catch (err) {
          io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
          throw new ExitCode(1);
        }
      });
    });
}

function unreadable(file: string, reason: string): IngestOutcome {
  return {
    importId: 0,
    snapshotId: null,
    asOf: null,
    sha256: null,
    status: 'failed',
    supersedes: null,
    rows: 0,
    accepted: 0,
    rejected: 0,
    errors: [{ line: null, reason: `Cannot import ${path.basename(file)}: ${reason}` }],
  };
}

function report(io: CliIo, { describeError, outcomeJson }: typeof Ingest, json: boolean, outcome: IngestOutcome): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(outcomeJson(outcome))}\n`);
    return;
  }
  const n = (v: number): string => v.toLocaleString('en-GB');
  if (outcome.status === 'failed') {
    const lines = outcome.errors.slice(0, ROWS_LISTED + 1).map((e) => `  ${describeError(e)}`);
    const more = outcome.errors.length > ROWS_LISTED + 1 ? [`  … and ${n(outcome.errors.length - ROWS_LISTED - 1)} more`] : [];
    io.stderr.write(['Refused: nothing was imported.', ...lines, ...more].join('\n') + '\n');
    return;
  }
  const head =
    outcome.status === 'duplicate'
      ? `Already imported: these bytes are snapshot ${outcome.snapshotId} (as of ${outcome.asOf}); nothing was imported again.`
      : `Imported snapshot ${outcome.snapshotId} as of ${outcome.asOf}: ${n(outcome.rows)} rows, ${n(outcome.accepted)} accepted, ${n(outcome.rejected)} rejected.`;
  const out = [head];
  if (outcome.supersedes !== null) out.push(`It replaces snapshot ${outcome.supersedes} for the same as-of date (kept in history).`);
  if (outcome.status === 'imported' && outcome.errors.length > 0) {
    out.push(`Rejected rows${outcome.errors.length > ROWS_LISTED ? ` (the first ${ROWS_LISTED} of ${n(outcome.errors.length)})` : ''}:`);
    for (const e of outcome.errors.slice(0, ROWS_LISTED)) out.push(`  ${describeError(e)}`);
  }
  out.push(`SHA-256 ${outcome.sha256}`);
  io.stdout.write(out.join('\n') + '\n');
}

/** Rewrites one terminal line in place, a few times a second. */
class ProgressLine {
  private readonly started = performance.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly output: CliOutput,
    private readonly totalBytes: number | null,
  ) {}

  update(rows: number, bytes: number): void {
    const now = performance.now();
    if (now - this.last < PROGRESS_EVERY_MS) return;
    this.last = now;
    this.shown = true;
    const line = formatProgressLine({ rows, bytes, totalBytes: this.totalBytes, seconds: (now - this.started) / 1000 });
    this.output.write(`\r${line}\x1b[K`);
  }

  clear(): void {
    if (!this.shown) return;
    this.shown = false;
    this.output.write('\r\x1b[K');
  }
}
