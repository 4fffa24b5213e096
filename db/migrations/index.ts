// The migrations in order. Imported statically (not found on disk) so they run the same under tsx,
// in tests and from the CLI, whatever the working directory.
import type { Knex } from 'knex';
import * as createAccounts from './20261128A-create-accounts.ts';
import * as createAuditLog from './20261128B-create-audit-log.ts';
import * as createProgramme from './20261128C-create-programme.ts';
import * as createSnapshots from './20261128D-create-snapshots.ts';
import * as createReports from './20261128E-create-reports.ts';
import * as createJobs from './20261128F-create-jobs.ts';
import * as createDeclarationHistory from './20261128G-create-declaration-history.ts';
import * as shipBankHolidays from './20261128G2-ship-bank-holidays.ts';
import * as jobRunHeartbeats from './20261128I-job-run-heartbeats.ts';
import * as snapshotRules from './20261128J-snapshot-rules.ts';
import * as sessionAccounts from './20261203A-session-accounts.ts';
import * as loginFailures from './20261203B-login-failures.ts';
import * as enforcementActions from './20261203C-enforcement-actions.ts';
import * as reportPaper from './20261203D-report-paper.ts';
import * as notifications from './20261203E-notifications.ts';
import * as rejectionGroups from './20261204R-rejection-groups.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const migrations: Array<[string, Migration]> = [
  ['20261128A-create-accounts', createAccounts],
  ['20261128B-create-audit-log', createAuditLog],
  ['20261128C-create-programme', createProgramme],
  ['20261128D-create-snapshots', createSnapshots],
  ['20261128E-create-reports', createReports],
  ['20261128F-create-jobs', createJobs],
  ['20261128G-create-declaration-history', createDeclarationHistory],
  ['20261128G2-ship-bank-holidays', shipBankHolidays],
  ['20261128I-job-run-heartbeats', jobRunHeartbeats],
  ['20261128J-snapshot-rules', snapshotRules],
  ['20261203A-session-accounts', sessionAccounts],
  ['20261203B-login-failures', loginFailures],
  ['20261203C-enforcement-actions', enforcementActions],
  ['20261203D-report-paper', reportPaper],
  ['20261203E-notifications', notifications],
  ['20261204R-rejection-groups', rejectionGroups],
];

export const MIGRATION_NAMES: readonly string[] = migrations.map(([name]) => name);

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(migrations.map(([name]) => name)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const found = migrations.find(([n]) => n === name);
    if (!found) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(found[1]);
  },
};
