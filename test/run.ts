// `npm test`: node's test runner over the given test files or folders (every *.test.ts under
// test/unit, test/integration and test/browser when none is given), several files at a time.
//
//   npm test                                    everything (what CI runs)
//   npm test -- test/unit/config.test.ts        one file
//   npm test -- test/integration --test-name-pattern=CSRF    a folder; options go to node --test
//
// Each file runs in a process of its own with its own databases, data folders and ports, so files
// can run side by side: TEST_CONCURRENCY (default 3) files at a time. The slowest files start first,
// so that the run is not left waiting on one of them at the end. The machine's time zone is
// America/New_York unless TZ says otherwise, so that date bugs show wherever the tests run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['test/unit', 'test/integration', 'test/browser'];

/**
 * The files that take longest, slowest first (measured on a 2-core machine). Starting them first
 * keeps the run from ending on one of them alone; a file missing from here simply starts later.
 */
const SLOWEST_FIRST = [
  'test/browser/dashboard-roles.test.ts',
  'test/browser/first-run.test.ts',
  'test/browser/overview-daily.test.ts',
  'test/browser/slips.test.ts',
  'test/integration/snapshots-hostile.test.ts',
  'test/browser/deadline-page.test.ts',
  'test/integration/demo.test.ts',
  'test/integration/snapshots-upload-split.test.ts',
  'test/integration/report-changes.test.ts',
  'test/browser/snapshots-refused.test.ts',
  'test/browser/snapshots-upload.test.ts',
  'test/integration/snapshots-kill.test.ts',
  'test/integration/snapshots-split.test.ts',
  'test/integration/login-throttle.test.ts',
  'test/integration/anonymous-visitors.test.ts',
  'test/integration/bounded-pages.test.ts',
  'test/integration/reports.test.ts',
  'test/integration/faults-database.test.ts',
  'test/integration/server-process.test.ts',
  'test/integration/report-jobs.test.ts',
  'test/browser/render-pdf.test.ts',
  'test/integration/role-matrix.test.ts',
  'test/unit/snapshots/read-snapshot.test.ts',
];

/** Where the command was typed: npm runs scripts in the package's folder, and says where it was run from. */
const CWD = process.env.INIT_CWD ?? process.cwd();

function testFiles(target: string): string[] {
  // A path as typed where the command was typed, or else from the package's folder (test:unit's test/unit).
  const typed = path.resolve(CWD, target);
  const full = statSync(typed, { throwIfNoEntry: false }) ? typed : path.resolve(ROOT, target);
  const found = statSync(full, { throwIfNoEntry: false });
  if (found === undefined) {
    console.error(`npm test: there is no test file or folder ${target}`);
    process.exit(2);
  }
  if (!found.isDirectory()) return [path.relative(ROOT, full)];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => path.relative(ROOT, path.join(full, name)));
}

const args = process.argv.slice(2);
const options = args.filter((arg) => arg.startsWith('-'));
const targets = args.filter((arg) => !arg.startsWith('-'));
const files = [...new Set((targets.length ? targets : FOLDERS).flatMap(testFiles))].sort();
const rank = (file: string): number => {
  const i = SLOWEST_FIRST.indexOf(file.split(path.sep).join('/'));
  return i === -1 ? SLOWEST_FIRST.length : i;
};
files.sort((a, b) => rank(a) - rank(b));

const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const reporter = options.some((option) => option.startsWith('--test-reporter')) ? [] : ['--test-reporter=spec'];
// No --test-force-exit: on Node 20 it sometimes ends a file's process while a later suite of the
// file is still running, and those tests are neither run nor reported (measured: scanner-rules
// reported 84–90 of its 91 tests in 4 runs of 11 with it, all 91 in 8 of 8 without). Instead, a
// run that has not ended after RUN_LIMIT_MS (a file left holding a server or pool open after a
// failure) is stopped, and says so, well within CI's time limit.
const RUN_LIMIT_MS = 40 * 60 * 1000;
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporter, `--test-concurrency=${concurrency}`, ...options, ...files], {
  cwd: ROOT,
  stdio: 'inherit',
  timeout: RUN_LIMIT_MS,
  killSignal: 'SIGKILL',
  env: { ...process.env, TZ: process.env.TZ || 'America/New_York' },
});
if (run.error !== undefined && 'code' in run.error && run.error.code === 'ETIMEDOUT') {
  console.error(
    `npm test: stopped after ${RUN_LIMIT_MS / 60_000} minutes: a test file did not end; look for one left waiting on an open server, pool or timer`,
  );
}
process.exitCode = run.status ?? 1;
