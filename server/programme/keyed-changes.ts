// Adding, changing and removing reference records that have a natural key (a User ID, a MAP ID,
// a date, a User and effective date): the same diff, write and audit for each kind, so every
// change is recorded with its before and after in one way.
import type { Knex } from 'knex';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { SummaryCounter, type ImportSummary } from './import-file.ts';

export interface KeyedTable<T> {
  /** Audit actions are `<action>.add`, `.change` and `.remove`. */
  action: string;
  /** The audit log's entity name. */
  entity: string;
  key: (item: T) => string;
  /** What the audit log records of an item (also what decides whether it changed). */
  audited: (item: T) => Record<string, unknown>;
  list: (knex: Knex) => Promise<T[]>;
  insert: (knex: Knex, item: T) => Promise<void>;
  update: (knex: Knex, item: T) => Promise<void>;
  remove?: (knex: Knex, item: T) => Promise<void>;
}

function same(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Adds the items not stored yet and changes those that differ, in the caller's transaction;
 * `merge` may complete an item from the stored one (e.g. keep a value the file does not give).
 */
export async function saveKeyed<T>(
  trx: Knex,
  table: KeyedTable<T>,
  items: readonly T[],
  actor: Actor,
  origin: RequestOrigin,
  merge: (item: T, stored: T | undefined) => T = (item) => item,
): Promise<ImportSummary> {
  const stored = new Map((await table.list(trx)).map((item) => [table.key(item), item]));
  const counter = new SummaryCounter();
  for (const given of items) {
    const entityId = table.key(given);
    const before = stored.get(entityId);
    const after = merge(given, before);
    if (!before) {
      await table.insert(trx, after);
      await recordAudit(trx, actor, { action: `${table.action}.add`, entity: table.entity, entityId, after: table.audited(after) }, origin);
      counter.count('added');
    } else if (!same(table.audited(before), table.audited(after))) {
      await table.update(trx, after);
      await recordAudit(
        trx,
        actor,
        { action: `${table.action}.change`, entity: table.entity, entityId, before: table.audited(before), after: table.audited(after) },
        origin,
      );
      counter.count('changed');
    } else {
      counter.count('unchanged');
    }
    stored.set(entityId, after);
  }
  return counter.result();
}

/** The stored item with this key, or null. */
export async function findKeyed<T>(knex: Knex, table: KeyedTable<T>, key: string): Promise<T | null> {
  return (await table.list(knex)).find((item) => table.key(item) === key) ?? null;
}

/** Removes the stored item with this key; false when there is none. Audited with what was removed. */
export async function removeKeyed<T>(knex: Knex, table: KeyedTable<T>, key: string, actor: Actor, origin: RequestOrigin): Promise<T | null> {
  const remove = table.remove;
  if (!remove) throw new Error(`${table.entity} records cannot be removed`);
  return knex.transaction(async (trx) => {
    const before = (await table.list(trx)).find((item) => table.key(item) === key);
    if (!before) return null;
    await remove(trx, before);
    await recordAudit(trx, actor, { action: `${table.action}.remove`, entity: table.entity, entityId: key, before: table.audited(before) }, origin);
    return before;
  });
}

/** The audit entry for a whole import, beside the entries for each record it changed. */
export function recordImport(trx: Knex, actor: Actor, action: string, fileName: string, summary: ImportSummary, origin: RequestOrigin): Promise<void> {
  return recordAudit(trx, actor, { action, entity: 'file', entityId: fileName.slice(0, 128), after: summary }, origin);
}
