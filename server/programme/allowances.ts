// Allowances (SPEC §3.3): the Update Inventory SRs per Working Day the DCC confirmed to a User,
// in force from a date. Recorded by the DCC or SECAS; one per User and effective date, so giving
// the same User and date again corrects it.
import type { Knex } from 'knex';
import { deleteAllowance, insertAllowance, listAllowances, updateAllowance, type Allowance, type AllowanceRecord } from '../../db/queries/allowances.ts';
import type { RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import type { FieldError } from '../errors.ts';
import { safeCsv } from '../safe-csv.ts';
import { dateRule, userIdRule, wholeNumberRule } from './field-rules.ts';
import type { CsvRecord } from './csv-table.ts';
import { readImportFile, refuse, refuseIfAny, type ChangeSource, type ImportKind, type ImportSummary } from './import-file.ts';
import { recordImport, removeKeyed, saveKeyed, type KeyedTable } from './keyed-changes.ts';
import { unknownUserErrors } from './known-users.ts';
import { readRecord } from './record-reader.ts';

export { listAllowances };
export type { Allowance, AllowanceRecord };

/** More than any User could send in a day; a larger figure is a typing mistake. */
const MAX_PER_DAY = 1_000_000_000;

const ALLOWANCE_RULES = {
  user_id: userIdRule,
  per_day: wholeNumberRule(MAX_PER_DAY),
  effective_from: dateRule,
  confirmed_on: dateRule,
};

export const ALLOWANCES_FILE: ImportKind<typeof ALLOWANCE_RULES> = {
  layout: { required: ['user_id', 'per_day', 'effective_from', 'confirmed_on'] },
  rules: ALLOWANCE_RULES,
  key: (value) => allowanceKey(value.user_id, value.effective_from),
  keyColumns: 'user_id and effective_from',
};

function allowanceKey(userId: string, effectiveFrom: string): string {
  return `${userId} from ${effectiveFrom}`;
}

/** Who recorded a change is the actor making it, so the table is built per change. */
function allowancesTable(actor: Actor): KeyedTable<Allowance> {
  return {
    action: 'allowance',
    entity: 'allowance',
    key: (a) => allowanceKey(a.userId, a.effectiveFrom),
    audited: (a) => ({ userId: a.userId, perDay: a.perDay, effectiveFrom: a.effectiveFrom, confirmedOn: a.confirmedOn }),
    list: listAllowances,
    insert: (knex, a) => insertAllowance(knex, a, actor.name),
    update: (knex, a) => updateAllowance(knex, a, actor.name),
    remove: (knex, a) => deleteAllowance(knex, a.userId, a.effectiveFrom),
  };
}

type NewAllowance = { line?: number; value: { user_id: string; per_day: number; effective_from: string; confirmed_on: string } };

async function saveAllowances(
  trx: Knex,
  rows: readonly NewAllowance[],
  actor: Actor,
  origin: RequestOrigin,
  source: ChangeSource,
  earlierErrors: readonly FieldError[] = [],
): Promise<ImportSummary> {
  const unknown = await unknownUserErrors(
    trx,
    rows.map((row) => ({ line: row.line, userId: row.value.user_id })),
  );
  refuseIfAny([...earlierErrors, ...unknown], source);
  const allowances = rows.map(({ value }): Allowance => ({
    userId: value.user_id,
    perDay: value.per_day,
    effectiveFrom: value.effective_from,
    confirmedOn: value.confirmed_on,
  }));
  return saveKeyed(trx, allowancesTable(actor), allowances, actor, origin);
}

/** `user_id,per_day,effective_from,confirmed_on`: records every allowance, or nothing if any row is wrong. */
export async function importAllowances(
  knex: Knex,
  content: Buffer | readonly CsvRecord[],
  fileName: string,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<ImportSummary> {
  const file = readImportFile(content, ALLOWANCES_FILE, fileName);
  return knex.transaction(async (trx) => {
    const summary = await saveAllowances(trx, file.rows, actor, origin, file.source, file.errors);
    await recordImport(trx, actor, 'allowances.import', fileName, summary, origin);
    return summary;
  });
}

export async function recordAllowance(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const read = readRecord(form, ALLOWANCE_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  return knex.transaction((trx) => saveAllowances(trx, [{ value: read.value }], actor, origin, { kind: 'form' }));
}

/** Removes the allowance of a User from a date (one recorded in error); refuses one that is not there. */
export async function removeAllowance(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<Allowance> {
  const { userId, effectiveFrom } = readRemoval(form);
  const removed = await removeKeyed(knex, allowancesTable(actor), allowanceKey(userId, effectiveFrom), actor, origin);
  if (!removed) refuse(notThere(userId, effectiveFrom), { kind: 'form' });
  return removed;
}

function readRemoval(form: Readonly<Record<string, unknown>>): { userId: string; effectiveFrom: string } {
  const read = readRecord(form, { user_id: userIdRule, effective_from: dateRule });
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  return { userId: read.value.user_id, effectiveFrom: read.value.effective_from };
}

const notThere = (userId: string, effectiveFrom: string) => [{ field: 'effective_from', message: `${userId} has no allowance from ${effectiveFrom}` }];

/** The allowance a remove form names, without removing it; refuses one that is not there. */
export async function allowanceToRemove(knex: Knex, form: Readonly<Record<string, unknown>>): Promise<AllowanceRecord> {
  const { userId, effectiveFrom } = readRemoval(form);
  const found = (await listAllowances(knex)).find((a) => a.userId === userId && a.effectiveFrom === effectiveFrom);
  if (!found) refuse(notThere(userId, effectiveFrom), { kind: 'form' });
  return found;
}

export async function allowancesCsv(knex: Knex): Promise<string> {
  return safeCsv(
    ['user_id', 'per_day', 'effective_from', 'confirmed_on'],
    (await listAllowances(knex)).map((a) => [a.userId, a.perDay, a.effectiveFrom, a.confirmedOn]),
  );
}
