// A programme at the size the pages must stay bounded at (issue 13): many Users, fortnightly
// snapshots with counts for all of them, declarations and allowances for each, a deadline, and
// the tables that grow with time (audit log, job runs, imports refused with their reasons,
// rejected rows, reports, accounts, tokens, the MAP register) — put straight into the tables, in
// batches, deterministically, so that tests and benchmarks see the same programme every run.
import type { Knex } from 'knex';
import { addDays } from '../../server/engine/calendar.ts';

export interface ScaleOptions {
  /** Users named in the snapshots; every tenth is unregistered (met only in a snapshot). */
  users: number;
  /** Fortnightly from 2 Jul 2018. */
  snapshots: number;
  /** Rejected rows of the newest snapshot. */
  rejectedRows?: number;
  auditRows?: number;
  jobRuns?: number;
  mapEntries?: number;
  /** Refused imports, each with `reasonsPerRefusal` reasons. */
  refusedImports?: number;
  reasonsPerRefusal?: number;
  /** Months of reports, two versions each (the first published). */
  reportMonths?: number;
  accounts?: number;
  tokens?: number;
}

export interface SeededProgramme {
  userIds: string[];
  /** Oldest first. */
  snapshots: Array<{ id: number; asOf: string }>;
  deadline: string;
}

const AT = '2018-07-01 00:00:00.000';
const FIRST_AS_OF = '2018-07-02';
export const SCALE_DEADLINE = '2021-12-31';
const BATCH = 500;

/** The i-th User's EUI-64 (i from 0 to 2^32 − 1). */
export function scaleUserId(i: number): string {
  const hex = i.toString(16).toUpperCase().padStart(8, '0');
  return `90-B3-D5-1F-${hex.slice(0, 2)}-${hex.slice(2, 4)}-${hex.slice(4, 6)}-${hex.slice(6, 8)}`;
}

/** The i-th User's name as the register has it (unregistered Users are named by their ID). */
export function scaleUserName(i: number): string {
  return i % 10 === 9 ? scaleUserId(i) : `Supplier ${String(i + 1).padStart(5, '0')} & Co`;
}

/** Sizes and speeds spread so that every RAG status and many flags occur: some stall, some finish. */
function userShape(i: number): { size: number; speed: number } {
  const size = 500 + ((i * 7919) % 40_000);
  const kind = i % 7;
  const speed = kind === 0 ? 0 : kind === 1 ? 0.2 : 0.005 + ((i * 31) % 60) / 1000;
  return { size, speed };
}

async function insertAll(knex: Knex, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await knex(table).insert(rows.slice(i, i + BATCH));
}

function range<T>(n: number, make: (i: number) => T): T[] {
  return Array.from({ length: n }, (_, i) => make(i));
}

const instantAfter = (minutes: number): string =>
  new Date(Date.parse('2018-07-01T00:00:00Z') + minutes * 60_000).toISOString().replace('T', ' ').replace('Z', '');

export async function seedAtScale(knex: Knex, options: ScaleOptions): Promise<SeededProgramme> {
  const userIds = range(options.users, scaleUserId);
  await insertAll(
    knex,
    'dcc_users',
    userIds.map((userId, i) => ({ user_id: userId, name: scaleUserName(i), registered: i % 10 !== 9, created_at: AT, updated_at: AT })),
  );
  await knex('deadlines').insert({ deadline: SCALE_DEADLINE, decided_on: '2018-07-20', reason: 'Panel decision', recorded_by: 'seed', recorded_at: AT });

  // A declaration for each User (some late, some corrected), an allowance for each (some raised later).
  await insertAll(
    knex,
    'declarations',
    userIds.map((userId, i) => ({
      user_id: userId,
      count: userShape(i).size + (i % 13 === 0 ? 5000 : 0),
      received_on: i % 11 === 0 ? '2018-08-01' : '2018-07-04',
      recorded_by: 'seed',
      recorded_at: AT,
    })),
  );
  await insertAll(
    knex,
    'declaration_history',
    userIds.flatMap((userId, i) =>
      i % 11 === 0 ? [{ user_id: userId, count: userShape(i).size, received_on: '2018-07-03', recorded_by: 'seed', recorded_at: AT }] : [],
    ),
  );
  await insertAll(
    knex,
    'allowances',
    userIds.flatMap((userId, i) => {
      const perDay = Math.ceil(userShape(i).size / 300);
      const first = { user_id: userId, per_day: perDay, effective_from: '2018-07-16', confirmed_on: '2018-07-10', recorded_by: 'seed', recorded_at: AT };
      return i % 4 === 0 ? [first, { ...first, per_day: perDay * 2, effective_from: '2019-01-07', confirmed_on: '2019-01-02' }] : [first];
    }),
  );

  const snapshots: Array<{ id: number; asOf: string }> = [];
  let asOf = FIRST_AS_OF;
  for (let s = 0; s < options.snapshots; s++) {
    const newest = s === options.snapshots - 1;
    const rejected = newest ? (options.rejectedRows ?? 0) : 3;
    const [id] = await knex('snapshots').insert({
      as_of: asOf,
      sha256: String(s + 1).padStart(64, '0'),
      file_name: `smi-${asOf}.csv.gz`,
      byte_size: 400_000_000,
      gzip: true,
      archive_path: `archive/${asOf}.csv.gz`,
      rows: 9_000_000,
      accepted: 9_000_000 - rejected,
      rejected,
      source: 'inbox',
      uploaded_by: 'inbox',
      imported_at: `${asOf} 12:00:00.000`,
    });
    const snapshotId = Number(id);
    snapshots.push({ id: snapshotId, asOf });
    await insertAll(
      knex,
      'snapshot_counts',
      userIds.flatMap((userId, i) => {
        const { size, speed } = userShape(i);
        const done = Math.min(1, speed * s);
        const esme = Math.round(size * 0.6);
        const gsme = size - esme;
        return [
          {
            snapshot_id: snapshotId,
            user_id: userId,
            fuel: 'ESME',
            in_scope: esme,
            completed: Math.round(esme * done),
            invalid: i % 17 === 0 ? 3 : 0,
            new_missing: i % 19 === 0 ? 2 : 0,
          },
          { snapshot_id: snapshotId, user_id: userId, fuel: 'GSME', in_scope: gsme, completed: Math.round(gsme * done), invalid: 0, new_missing: 0 },
        ];
      }),
    );
    await insertAll(
      knex,
      'snapshot_rejections',
      range(rejected, (r) => ({
        snapshot_id: snapshotId,
        line: 2 + r * 37,
        reason: `device_id "00-11-22-33-44-55-66-${String(r % 100).padStart(2, '0')}X" is not an EUI-64 (16 hex digits)`,
      })),
    );
    asOf = addDays(asOf, 14);
  }

  await insertAll(
    knex,
    'map_register',
    range(options.mapEntries ?? 0, (i) => ({
      map_id: i.toString(36).toUpperCase().padStart(4, '0'),
      name: `Meter Asset Provider ${i + 1} Ltd`,
      updated_at: AT,
    })),
  );
  await insertAll(
    knex,
    'snapshot_imports',
    range(options.refusedImports ?? 0, (i) => ({
      status: 'failed',
      file_name: `smi-broken-${i + 1}.csv.gz`,
      as_of: FIRST_AS_OF,
      sha256: null,
      snapshot_id: null,
      source: 'api',
      uploaded_by: 'DCC uploader',
      instance: 'seed',
      started_at: instantAfter(i),
      heartbeat_at: instantAfter(i),
      finished_at: instantAfter(i),
      rows: 1_000_000,
      bytes_read: 50_000_000,
      errors: JSON.stringify(
        range(options.reasonsPerRefusal ?? 1, (r) => ({ line: r + 2, reason: `prenotified_date "2018-02-3${r % 10}" is not a real date` })),
      ),
    })),
  );
  await insertAll(
    knex,
    'audit_log',
    range(options.auditRows ?? 0, (i) => ({
      at: instantAfter(i),
      actor_kind: 'account',
      actor: 'secas@example.org',
      action: 'allowance.change',
      entity: 'allowance',
      entity_id: `${scaleUserId(i % Math.max(1, options.users))} from 2018-07-16`,
      before: JSON.stringify({ userId: scaleUserId(i % Math.max(1, options.users)), perDay: 100, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-10' }),
      after: JSON.stringify({ userId: scaleUserId(i % Math.max(1, options.users)), perDay: 120, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-10' }),
      request_id: `req-${i}`,
      ip: '10.0.0.1',
    })),
  );
  await insertAll(
    knex,
    'job_runs',
    range(options.jobRuns ?? 0, (i) => ({
      job: i % 50 === 0 ? 'daily-checks' : 'inbox',
      run_key: `${i % 50 === 0 ? 'daily-checks' : 'inbox'}:${instantAfter(i * 5)}`,
      attempt: 1,
      status: i % 97 === 0 ? 'failed' : 'succeeded',
      instance: 'vm-1:1234',
      started_at: instantAfter(i * 5),
      finished_at: instantAfter(i * 5),
      duration_ms: 40 + (i % 300),
      error: i % 97 === 0 ? 'The drop folder could not be read: EACCES' : null,
      details: JSON.stringify({ summary: 'No file in the drop folder.' }),
    })),
  );
  const reportRows = range(options.reportMonths ?? 0, (m) => {
    const month = addDays('2018-07-15', m * 31).slice(0, 7);
    const snapshot = snapshots[Math.min(snapshots.length - 1, m * 2)]!;
    return [1, 2].map((version) => ({
      month,
      version,
      status: version === 1 ? 'published' : 'draft',
      snapshot_id: snapshot.id,
      snapshot_sha256: String(snapshot.id).padStart(64, '0'),
      as_of: snapshot.asOf,
      pdf: Buffer.from('%PDF-1.7\n'),
      pdf_sha256: `${month.replace('-', '')}${version}`.padEnd(64, 'a'),
      pages: 40,
      csv: 'user_id\n',
      generated_by: 'system',
      generated_at: instantAfter(m * 44_640),
      published_month: version === 1 ? month : null,
      published_by: version === 1 ? 'secas@example.org' : null,
      published_at: version === 1 ? instantAfter(m * 44_640 + 60) : null,
    }));
  });
  if (snapshots.length > 0) await insertAll(knex, 'reports', reportRows.flat());
  await insertAll(
    knex,
    'accounts',
    range(options.accounts ?? 0, (i) => ({
      email: `person${i + 1}@example.org`,
      role: (['secas', 'panel', 'dcc'] as const)[i % 3],
      password_hash: 'seeded: cannot log in',
      created_at: instantAfter(i),
      updated_at: instantAfter(i),
      last_login_at: null,
      disabled_at: i % 9 === 0 ? instantAfter(i + 1) : null,
    })),
  );
  await insertAll(
    knex,
    'api_tokens',
    range(options.tokens ?? 0, (i) => ({
      name: `System ${i + 1}`,
      role: 'dcc',
      token_hash: String(i).padStart(64, 'f'),
      token_prefix: `bfm_${String(i).padStart(6, '0')}`,
      created_by: 'secas@example.org',
      created_at: instantAfter(i),
      last_used_at: null,
      revoked_at: i % 5 === 0 ? instantAfter(i + 1) : null,
    })),
  );
  return { userIds, snapshots, deadline: SCALE_DEADLINE };
}
