// Recounting snapshots from their archived files under the rules in force, after the MAP register
// or the implementation date changed. The archived file is read through the same scanner that
// counted it at import; the new counts replace the old, and the rules they were made with are
// recorded, in one transaction per snapshot with its audit entry (before and after), so a failure
// leaves that snapshot as it was. Rows, accepted and rejected cannot change with these rules: a
// file that no longer reads as it did is left alone and reported.
import type { Knex } from 'knex';
import { readSnapshotCounts, replaceCounts, type StoredSnapshotCounts } from '../../../db/queries/snapshot-counts.ts';
import { findSnapshot, listSnapshots, readMapRegister, setSnapshotRules, type SnapshotRow } from '../../../db/queries/snapshots.ts';
import { recordAudit, type RequestOrigin } from '../../audit/record.ts';
import type { Actor } from '../../auth/roles.ts';
import type { Logger } from '../../logger.ts';
import { loadSettings } from '../../programme/settings.ts';
import { createScanner } from '../format/scanner.ts';
import type { ScanResult } from '../format/scan-types.ts';
import { readArchivedText } from '../ingest/archive.ts';
import { countingRules, registerInWords, rulesDifference, rulesOfSnapshot, storedRegister, type CountingRules } from './counting-rules.ts';

export interface RecountDeps {
  knex: Knex;
  dataDir: string;
  logger?: Logger | undefined;
}

export interface SnapshotToRecount {
  id: number;
  asOf: string;
  fileName: string;
  rows: number;
  supersededBy: number | null;
  /** How its rules differ from those in force. */
  why: string;
}

export async function rulesInForce(knex: Knex): Promise<CountingRules> {
  return countingRules((await loadSettings(knex)).implementationDate, await readMapRegister(knex));
}

/** Every snapshot counted with rules other than those in force, newest as-of date first. */
export async function snapshotsToRecount(knex: Knex): Promise<{ rules: CountingRules; snapshots: SnapshotToRecount[] }> {
  const rules = await rulesInForce(knex);
  const snapshots = (await listSnapshots(knex)).flatMap((row) => {
    const why = rulesDifference(rulesOfSnapshot(row), rules);
    return why === null ? [] : [{ id: row.id, asOf: row.as_of, fileName: row.file_name, rows: row.rows, supersededBy: row.superseded_by, why }];
  });
  return { rules, snapshots };
}

/** Attempts at opening an archived file that its compression renames away between finding and opening it. */
const OPEN_ATTEMPTS = 3;

async function scanArchived(dataDir: string, snapshot: SnapshotRow, rules: CountingRules, signal?: AbortSignal): Promise<ScanResult> {
  for (let attempt = 1; ; attempt++) {
    const scanner = createScanner({
      implementationDate: rules.implementationDate,
      mapRegister: rules.mapRegister.length > 0 ? new Set(rules.mapRegister) : undefined,
      // Rejected rows do not depend on these rules; the import kept them.
      onRejection: () => undefined,
    });
    try {
      for await (const chunk of await readArchivedText(dataDir, snapshot)) {
        if (signal?.aborted) throw new Error('the recount was stopped (the process is shutting down); it carries on at the next run');
        if (!scanner.push(chunk as Buffer)) break;
      }
      return scanner.end();
    } catch (err) {
      // A raw copy compressed after import is renamed to .gz: found as .csv, gone when opened. Once
      // open, a file stays readable whatever happens to its name, so only a read that got nothing is tried again.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && scanner.bytes === 0 && attempt < OPEN_ATTEMPTS) continue;
      throw err;
    }
  }
}

type CountChanges = Record<string, Record<string, Record<string, number>>>;

/** The figures that differ, by User, fuel and figure, before and after: what the audit entry records. */
function countChanges(before: StoredSnapshotCounts, after: StoredSnapshotCounts): { before: CountChanges; after: CountChanges; users: number } {
  const was: CountChanges = {};
  const now: CountChanges = {};
  const zero = { inScope: 0, completed: 0, invalid: 0, newMissing: 0 };
  for (const userId of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    for (const fuel of ['esme', 'gsme'] as const) {
      const old = before[userId]?.[fuel] ?? zero;
      const fresh = after[userId]?.[fuel] ?? zero;
      for (const figure of ['inScope', 'completed', 'invalid', 'newMissing'] as const) {
        if (old[figure] === fresh[figure]) continue;
        ((was[userId] ??= {})[fuel] ??= {})[figure] = old[figure];
        ((now[userId] ??= {})[fuel] ??= {})[figure] = fresh[figure];
      }
    }
  }
  return { before: was, after: now, users: Object.keys(now).length };
}

/** Recounts one snapshot under `rules`; returns how many Users' figures changed. */
export async function recountSnapshot(
  deps: RecountDeps,
  snapshot: SnapshotRow,
  rules: CountingRules,
  actor: Actor,
  options: { origin?: RequestOrigin; signal?: AbortSignal } = {},
): Promise<{ id: number; usersChanged: number }> {
  const scan = await scanArchived(deps.dataDir, snapshot, rules, options.signal);
  if (scan.fatal !== null || scan.rows !== snapshot.rows || scan.accepted !== snapshot.accepted || scan.rejected !== snapshot.rejected) {
    const now = scan.fatal !== null ? scan.fatal.message : `${scan.rows} rows, ${scan.accepted} accepted, ${scan.rejected} rejected`;
    throw new Error(
      `the archived file of snapshot ${snapshot.id} no longer reads as it did at import (${snapshot.rows} rows, ${snapshot.accepted} accepted, ` +
        `${snapshot.rejected} rejected; now ${now}); its counts were left as they were`,
    );
  }
  return deps.knex.transaction(async (trx) => {
    const stored = await findSnapshot(trx, snapshot.id);
    if (!stored) throw new Error(`snapshot ${snapshot.id} is no longer there`);
    const before = await readSnapshotCounts(trx, snapshot.id);
    const changes = countChanges(before, scan.counts);
    await replaceCounts(trx, snapshot.id, scan.counts);
    await setSnapshotRules(trx, snapshot.id, { implementationDate: rules.implementationDate, mapRegister: storedRegister(rules) });
    const was = rulesOfSnapshot(stored);
    await recordAudit(
      trx,
      actor,
      {
        action: 'snapshot.recount',
        entity: 'snapshot',
        entityId: snapshot.id,
        before: {
          implementationDate: was?.implementationDate ?? 'not kept',
          mapRegister: was === null ? 'not kept' : registerInWords(was),
          counts: changes.before,
        },
        after: { implementationDate: rules.implementationDate, mapRegister: registerInWords(rules), counts: changes.after },
      },
      options.origin,
    );
    return { id: snapshot.id, usersChanged: changes.users };
  });
}

export interface RecountSummary {
  summary: string;
  recounted: Array<{ id: number; usersChanged: number }>;
  failed: Array<{ id: number; error: string }>;
}

/**
 * Recounts every snapshot counted with rules other than those in force. One that fails is reported
 * and the others still recounted; the whole then throws, so the job is retried (those already done
 * are no longer different and are skipped).
 */
export async function recountSnapshots(
  deps: RecountDeps,
  actor: Actor,
  options: { origin?: RequestOrigin; signal?: AbortSignal } = {},
): Promise<RecountSummary> {
  const { rules, snapshots } = await snapshotsToRecount(deps.knex);
  const recounted: RecountSummary['recounted'] = [];
  const failed: RecountSummary['failed'] = [];
  for (const { id } of snapshots) {
    const row = await findSnapshot(deps.knex, id);
    if (!row) continue;
    try {
      recounted.push(await recountSnapshot(deps, row, rules, actor, options));
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const error = err instanceof Error ? err.message : String(err);
      deps.logger?.error({ err, snapshotId: id }, 'could not recount a snapshot');
      failed.push({ id, error });
    }
  }
  const summary =
    snapshots.length === 0
      ? 'Every snapshot was counted with the rules in force; nothing to recount.'
      : `Recounted ${recounted.length} of ${snapshots.length} snapshot(s)${failed.length > 0 ? `; ${failed.length} could not be: ${failed.map((f) => `snapshot ${f.id}: ${f.error}`).join('; ')}` : ''}.`;
  if (failed.length > 0) throw new Error(summary);
  return { summary, recounted, failed };
}
