// What `backfill demo` prints once the demo is built: where to go, a login for each role and the
// API token, in one block a newcomer can copy from. Pure, so its wording is tested on its own.
import { ROLE_LABELS } from '../auth/roles.ts';
import type { DemoLogin } from './build-demo.ts';

export interface LoginBlock {
  /** Null when the server was not started (--no-serve). */
  url: string | null;
  logins: readonly DemoLogin[];
  apiToken: string;
  database: string;
  dataDir: string;
  restart: string;
  /** Whether the scheduler runs, and the newest snapshot's as-of date (what its catch-up would report from). */
  scheduler: boolean;
  lastSnapshot: string;
}

export function loginBlock(block: LoginBlock): string {
  const rule = '─'.repeat(78);
  const base = block.url ?? 'http://127.0.0.1:3000';
  const width = Math.max(...block.logins.map((l) => l.email.length));
  const lines = [
    rule,
    block.url === null ? '  The demo is built (the server was not started).' : `  backfill-monitor demo is running at ${block.url}`,
    '',
    '  Log in as (each password is shown only now):',
    ...block.logins.map((l) => `    ${ROLE_LABELS[l.role].padEnd(10)} ${l.email.padEnd(width)}   ${l.password}`),
    '',
    '  DCC API token for /api/v1 (shown only now):',
    `    ${block.apiToken}`,
    `    curl -H "Authorization: Bearer ${block.apiToken}" ${base}/api/v1/progress`,
    '',
    `  Database ${block.database}; snapshot archive in ${block.dataDir}.`,
  ];
  if (block.url !== null) {
    lines.push(
      ...(block.scheduler
        ? [
            '  The scheduler is on. At start it catches up the monthly reports missed since the',
            '  last one drafted, up to twelve, oldest first: drafts from the newest snapshot',
            `  (as of ${block.lastSnapshot}, where the demo’s data ends), marked stale once it is old.`,
            '  --no-scheduler leaves the jobs out.',
          ]
        : ['  The scheduler is off (--no-scheduler): no drop-folder imports, checks or monthly reports run.']),
      '  Stop it with Ctrl+C.',
    );
  }
  lines.push(`  Start it again with:  ${block.restart}`, '  Build it afresh with:  npm run demo -- --reset', rule);
  return lines.join('\n') + '\n';
}
