// Builds the demo programme into a fresh database through the same services people and the DCC
// use: reference data by CSV import, the deadline by the deadline service, every snapshot written
// as a file and imported by the real ingest, the two reports rendered and published, then one
// account per role and a DCC API token. The pure plan comes from generate-programme.ts.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Knex } from 'knex';
import type { ReportRow } from '../../db/queries/reports.ts';
import { addAccount } from '../auth/accounts.ts';
import type { Role } from '../auth/roles.ts';
import { createApiToken } from '../auth/tokens.ts';
import { safeCsv } from '../safe-csv.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { createViewRenderer } from '../templates/views.ts';
import { createLogger, type Logger } from '../logger.ts';
import { importAllowances } from '../programme/allowances.ts';
import { setDeadline } from '../programme/deadline.ts';
import { importDeclarations } from '../programme/declarations.ts';
import { holidayDates } from '../programme/holidays.ts';
import { importMapRegister } from '../programme/map-register.ts';
import { changeSetting, loadSettings } from '../programme/settings.ts';
import { importUsers } from '../programme/users-register.ts';
import { isIsoDate, londonToday } from '../engine/calendar.ts';
import { WorkingDays } from '../engine/working-days.ts';
import { BrowserManager, RenderError } from '../reports/browser.ts';
import { generateReport, type ReportText } from '../reports/generate-report.ts';
import { DEMO_CORRECTION_REASON, demoSummary, recordDemoActions } from './demo-paper.ts';
import { publish } from '../reports/publish-report.ts';
import { archiveWorkDone } from '../snapshots/ingest/archive.ts';
import { describeError, ingestSnapshot } from '../snapshots/ingest/ingest-snapshot.ts';
import type { IngestOutcome } from '../snapshots/ingest/ingest-types.ts';
import { DEMO_ACTOR, DEMO_FILES_DIR, databaseHoldings } from './demo-database.ts';
import type { DeadlineDecision, DemoProgramme, SnapshotFilePlan } from './demo-programme.ts';
import { DEFAULT_METERS, DEFAULT_SEED, generateProgramme } from './generate-programme.ts';
import { snapshotChunks } from './snapshot-file.ts';

export const DEMO_LOGINS: ReadonlyArray<{ role: Role; email: string }> = [
  { role: 'secas', email: 'secas@example.org' },
  { role: 'panel', email: 'panel@example.org' },
  { role: 'dcc', email: 'dcc@example.org' },
];
export const DEMO_TOKEN_NAME = 'DCC uploader (demo)';

export interface BuildDemoOptions {
  /** A migrated database that holds no programme data yet. */
  knex: Knex;
  /** DATA_DIR: the snapshot archive goes under it. */
  dataDir: string;
  /** Pre-implementation meters to backfill, summed over Users (DEFAULT_METERS). */
  meters?: number;
  seed?: number;
  /** Stored as the programme setting when it differs from the one in force (default 2018-06-28). */
  implementationDate?: string;
  /** The Chromium that renders the reports (CHROME_PATH); found on the machine when undefined. */
  chromePath?: string | undefined;
  logger?: Logger;
  /** Told each step once it is done, in a sentence. */
  onStep?: (line: string) => void;
  /** Told after each snapshot file is imported (or refused, as planned). */
  onFile?: (done: number, total: number) => void;
}

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
}

export interface BuiltDemo {
  programme: DemoProgramme;
  logins: DemoLogin[];
  /** A dcc bearer token for /api/v1, shown once. */
  apiToken: string;
  /** Each file's import, in the order sent. */
  imports: Array<{ file: SnapshotFilePlan; outcome: IngestOutcome }>;
  /** The published reports, oldest month first; empty when they were skipped. */
  reports: ReportRow[];
  /** Why there are no reports (no Chromium), or null. */
  reportsSkipped: string | null;
  seconds: { snapshots: number; reports: number; total: number };
}

const seconds = (since: number): number => Math.round((performance.now() - since) / 100) / 10;
const n = (value: number): string => value.toLocaleString('en-GB');

export async function buildDemo(options: BuildDemoOptions): Promise<BuiltDemo> {
  const started = performance.now();
  const { knex, dataDir } = options;
  const logger = options.logger ?? createLogger('silent');
  const say = options.onStep ?? (() => undefined);

  const held = await databaseHoldings(knex);
  if (held.length > 0) throw new ConflictError(`The database already holds programme data (${held.join(', ')}), so the demo will not fill it.`);

  const stored = await loadSettings(knex);
  const settings = { ...stored, implementationDate: options.implementationDate ?? stored.implementationDate };
  const workingDays = new WorkingDays(await holidayDates(knex));
  const programme = generateProgramme({ meters: options.meters ?? DEFAULT_METERS, seed: options.seed ?? DEFAULT_SEED, settings, workingDays });
  const today = londonToday();
  if (programme.deadlines[1].decidedOn > today) {
    throw new ValidationError(
      `The demo’s 18 months from the implementation date ${settings.implementationDate} run past today (${today}); use an implementation date at least 17 months ago.`,
      [{ field: 'implementation-date', message: 'Give a date at least 17 months ago.' }],
    );
  }
  // Stored only once the programme is known to fit: a refused date leaves the settings as they were.
  if (settings.implementationDate !== stored.implementationDate) await changeSetting(knex, 'implementation-date', settings.implementationDate, DEMO_ACTOR);
  const registered = programme.users.filter((user) => user.name !== null);
  say(
    `Planned ${n(programme.users.length)} Users with ${n(programme.users.reduce((sum, u) => sum + u.meters, 0))} meters to backfill, ` +
      `${programme.snapshotDates.length} fortnightly snapshots from ${programme.snapshotDates[0]} to ${programme.snapshotDates.at(-1)} ` +
      `(${n(programme.rowsAt[0]!)} to ${n(programme.rowsAt.at(-1)!)} devices each).`,
  );

  await importMapRegister(
    knex,
    csv(
      ['map_id', 'name'],
      programme.mapRegister.map((m) => [m.mapId, m.name]),
    ),
    'demo-map-register.csv',
    DEMO_ACTOR,
  );
  await importUsers(
    knex,
    csv(
      ['user_id', 'name', 'short_name'],
      registered.map((u) => [u.userId, u.name, u.shortName]),
    ),
    'demo-users.csv',
    DEMO_ACTOR,
  );
  await recordDeadline(knex, programme.deadlines[0]);
  await importDeclarations(
    knex,
    csv(
      ['user_id', 'count', 'received_on'],
      programme.declarations.map((d) => [d.userId, d.count, d.receivedOn]),
    ),
    'demo-declarations.csv',
    DEMO_ACTOR,
  );
  await importAllowances(
    knex,
    csv(
      ['user_id', 'per_day', 'effective_from', 'confirmed_on'],
      programme.allowances.map((a) => [a.userId, a.perDay, a.effectiveFrom, a.confirmedOn]),
    ),
    'demo-allowances.csv',
    DEMO_ACTOR,
  );
  say(
    `Recorded the MAP register (${programme.mapRegister.length} MAP IDs), ${registered.length} Users in the register (one more is only in the snapshots), ` +
      `${programme.declarations.length} declarations, ${programme.allowances.length} allowances and the deadline ${programme.deadlines[0].deadline}.`,
  );

  const snapshotsStarted = performance.now();
  const imports = await importSnapshotFiles(programme, { knex, dataDir, logger, onFile: options.onFile });
  const imported = imports.filter((i) => i.outcome.status === 'imported');
  say(
    `Imported ${imported.length} snapshot files through the ingest (${n(imported.reduce((s, i) => s + i.outcome.rows, 0))} rows, ` +
      `${n(imported.reduce((s, i) => s + i.outcome.rejected, 0))} rejected); one re-sent file superseded its first version and one broken extract was refused, as planned ` +
      `(${seconds(snapshotsStarted)} s).`,
  );

  const actions = await recordDemoActions(knex, programme.reportMonths);
  say(`Recorded ${actions} enforcement actions for the Users at RED.`);

  const reportsStarted = performance.now();
  const { reports, skipped } = await publishReports(programme, { knex, logger, chromePath: options.chromePath });
  say(
    skipped === null
      ? `Published the reports for ${programme.reportMonths.join(' and ')} with SECAS's summaries, and a correction of ${programme.reportMonths[1]}'s; the deadline moved to ${programme.deadlines[1].deadline} between them (${seconds(reportsStarted)} s).`
      : `Moved the deadline to ${programme.deadlines[1].deadline}. Skipped the reports: ${skipped}`,
  );

  const logins: DemoLogin[] = [];
  for (const { role, email } of DEMO_LOGINS) {
    const { generatedPassword } = await addAccount(knex, { email, role }, DEMO_ACTOR);
    logins.push({ role, email, password: generatedPassword! });
  }
  const { token } = await createApiToken(knex, { name: DEMO_TOKEN_NAME, role: 'dcc' }, DEMO_ACTOR);
  say('Created one account per role and an API token for the DCC.');

  return {
    programme,
    logins,
    apiToken: token,
    imports,
    reports,
    reportsSkipped: skipped,
    seconds: { snapshots: seconds(snapshotsStarted), reports: seconds(reportsStarted), total: seconds(started) },
  };
}

function csv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): Buffer {
  return Buffer.from(safeCsv(header, rows), 'utf8');
}

async function recordDeadline(knex: Knex, decision: DeadlineDecision): Promise<void> {
  await setDeadline(knex, { deadline: decision.deadline, decided_on: decision.decidedOn, reason: decision.reason }, DEMO_ACTOR);
}

/** Writes each planned file under DATA_DIR, imports it, removes it (the archive keeps the bytes). */
async function importSnapshotFiles(
  programme: DemoProgramme,
  deps: { knex: Knex; dataDir: string; logger: Logger; onFile: BuildDemoOptions['onFile'] },
): Promise<BuiltDemo['imports']> {
  const dir = path.join(deps.dataDir, DEMO_FILES_DIR);
  await mkdir(dir, { recursive: true });
  const imports: BuiltDemo['imports'] = [];
  try {
    for (const file of programme.files) {
      const written = path.join(dir, file.fileName);
      const chunks = Readable.from(snapshotChunks(programme, file));
      if (file.gzip) await pipeline(chunks, createGzip({ level: 1 }), createWriteStream(written));
      else await pipeline(chunks, createWriteStream(written));
      const outcome = await ingestSnapshot(
        { knex: deps.knex, dataDir: deps.dataDir, logger: deps.logger },
        // No as-of date given: the import reads it from the file name, as for the DCC's drop folder.
        { source: 'cli', fileName: file.fileName, actor: DEMO_ACTOR, bytes: { kind: 'file', path: written } },
      );
      await rm(written, { force: true });
      if (outcome.status !== file.expect) {
        const why = outcome.errors[0] ? `: ${describeError(outcome.errors[0])}` : '';
        throw new Error(`The demo’s file ${file.fileName} was meant to be ${file.expect} but was ${outcome.status}${why}`);
      }
      imports.push({ file, outcome });
      deps.onFile?.(imports.length, programme.files.length);
    }
    // A plain file's archive copy is compressed after its import; let that finish before the database closes.
    await archiveWorkDone();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return imports;
}

/**
 * The first month's report is made and published with the first deadline in force, then the Panel
 * moves the deadline, then the second month's: as it happened. Without a browser the deadline still
 * moves and the reports are skipped, saying why.
 */
async function publishReports(
  programme: DemoProgramme,
  deps: { knex: Knex; logger: Logger; chromePath: string | undefined },
): Promise<{ reports: ReportRow[]; skipped: string | null }> {
  const browser = new BrowserManager(deps.chromePath, deps.logger);
  const services = { knex: deps.knex, views: createViewRenderer(), browser, logger: deps.logger };
  const reports: ReportRow[] = [];
  let skipped = browser.unavailableReason();
  const publishVersion = async (month: string, text: ReportText): Promise<void> => {
    if (skipped !== null) return;
    try {
      const { report } = await generateReport(services, month, DEMO_ACTOR, {}, text);
      reports.push(await publish(deps.knex, report.id, DEMO_ACTOR));
    } catch (err) {
      // A browser that is there but cannot start is the same for the demo as none at all.
      if (!(err instanceof RenderError && err.stage === 'launch')) throw err;
      skipped = err.message;
    }
  };
  const [first, second] = programme.reportMonths;
  try {
    await publishVersion(first, await demoSummary(deps.knex, first, null));
    await recordDeadline(deps.knex, programme.deadlines[1]);
    // November's first version named the wrong Users (the list from October); SECAS corrects it.
    const stale = await demoSummary(deps.knex, first, programme.deadlines[1].deadline);
    await publishVersion(second, stale);
    await publishVersion(second, { ...(await demoSummary(deps.knex, second, programme.deadlines[1].deadline)), correctionReason: DEMO_CORRECTION_REASON });
  } finally {
    await browser.close();
  }
  return { reports, skipped };
}

/** The implementation date given on the command line, checked. */
export function parseImplementationDate(raw: string): string {
  const value = raw.trim();
  if (!isIsoDate(value)) {
    const message = `The implementation date must be a real date written YYYY-MM-DD (got ${JSON.stringify(raw)}).`;
    throw new ValidationError(message, [{ field: 'implementation-date', message }]);
  }
  return value;
}
