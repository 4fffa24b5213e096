// Declarations (SPEC §3.3): how many MAP IDs a User notified the DCC it has to update, and when
// the DCC received it. Recorded by the DCC or SECAS.
//
// One is in force per User; a correction replaces it and the audit log keeps the old value, as
// SPEC §3.3 says. A correction received on a later date also keeps the replaced declaration in
// declaration_history, because positions as of an earlier date must show the declaration as it
// stood then (SPEC §4.2: a report about July never shows August's figure, and a regenerated July
// report must not change) and lateness counts from the first notification. A correction with the
// same received date fixes the record itself, so it simply replaces it.
import type { Knex } from 'knex';
import { toDbInstant } from '../../db/instant.ts';
import {
  deleteDeclaration,
  insertDeclaration,
  listCurrentDeclarations,
  listDeclarationHistory,
  updateDeclaration,
  type Declaration,
  type DeclarationRecord,
} from '../../db/queries/declarations.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import type { FieldError } from '../errors.ts';
import { safeCsv } from '../safe-csv.ts';
import { dateRule, userIdRule, wholeNumberRule } from './field-rules.ts';
import type { CsvRecord } from './csv-table.ts';
import { readImportFile, refuse, refuseIfAny, SummaryCounter, type ChangeSource, type ImportKind, type ImportSummary } from './import-file.ts';
import { recordImport } from './keyed-changes.ts';
import { unknownUserErrors } from './known-users.ts';
import { readRecord } from './record-reader.ts';

export type { Declaration };

/** More meters than the whole SMI holds; a larger count is a typing mistake. */
const MAX_COUNT = 1_000_000_000;

const DECLARATION_RULES = {
  user_id: userIdRule,
  count: wholeNumberRule(MAX_COUNT),
  received_on: dateRule,
};

export const DECLARATIONS_FILE: ImportKind<typeof DECLARATION_RULES> = {
  layout: { required: ['user_id', 'count', 'received_on'] },
  rules: DECLARATION_RULES,
  key: (value) => `${value.user_id} on ${value.received_on}`,
  keyColumns: 'user_id and received_on',
};

export interface DeclarationVersion extends DeclarationRecord {
  /** True for the User's declaration now; false for an earlier one a later declaration replaced. */
  inForce: boolean;
}

/** Every declaration kept, each User's oldest first. */
export async function listDeclarationVersions(knex: Knex): Promise<DeclarationVersion[]> {
  const [current, history] = [await listCurrentDeclarations(knex), await listDeclarationHistory(knex)];
  return [...current.map((record) => ({ ...record, inForce: true })), ...history.map((record) => ({ ...record, inForce: false }))].sort((a, b) =>
    a.userId === b.userId ? (a.receivedOn < b.receivedOn ? -1 : 1) : a.userId < b.userId ? -1 : 1,
  );
}

const audited = (d: Declaration) => ({ count: d.count, receivedOn: d.receivedOn });

type NewDeclaration = { line?: number; value: { user_id: string; count: number; received_on: string } };

async function saveDeclarations(
  trx: Knex,
  rows: readonly NewDeclaration[],
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

  const current = new Map((await listCurrentDeclarations(trx)).map((record) => [record.userId, record]));
  const history = new Map((await listDeclarationHistory(trx)).map((record) => [`${record.userId} ${record.receivedOn}`, record]));
  const counter = new SummaryCounter();
  const audit = (action: string, userId: string, before: Declaration | null, after: Declaration) =>
    recordAudit(trx, actor, { action, entity: 'declaration', entityId: userId, before: before && audited(before), after: audited(after) }, origin);

  // Oldest first, so that a file holding a User's original and its correction ends with the correction in force.
  const declarations = rows
    .map(({ value }): Declaration => ({ userId: value.user_id, count: value.count, receivedOn: value.received_on }))
    .sort((a, b) => (a.receivedOn < b.receivedOn ? -1 : a.receivedOn > b.receivedOn ? 1 : 0));
  const recordedAt = toDbInstant();
  for (const declaration of declarations) {
    const { userId, receivedOn } = declaration;
    const inForce = current.get(userId);
    const record: DeclarationRecord = { ...declaration, recordedBy: actor.name, recordedAt };
    if (!inForce) {
      await insertDeclaration(trx, 'declarations', record);
      await audit('declaration.add', userId, null, declaration);
      current.set(userId, record);
      counter.count('added');
    } else if (receivedOn > inForce.receivedOn) {
      // A later declaration: the User corrected its count. The one it replaces stays for earlier dates.
      await insertDeclaration(trx, 'declaration_history', inForce);
      await updateDeclaration(trx, 'declarations', inForce, record);
      await audit('declaration.replace', userId, inForce, declaration);
      current.set(userId, record);
      counter.count('changed');
    } else if (receivedOn === inForce.receivedOn) {
      if (inForce.count === declaration.count) {
        counter.count('unchanged');
        continue;
      }
      await updateDeclaration(trx, 'declarations', inForce, record);
      await audit('declaration.change', userId, inForce, declaration);
      current.set(userId, record);
      counter.count('changed');
    } else {
      // Received before the one in force (recorded late): it was in force between the two dates.
      const key = `${userId} ${receivedOn}`;
      const earlier = history.get(key);
      if (earlier && earlier.count === declaration.count) {
        counter.count('unchanged');
        continue;
      }
      if (earlier) await updateDeclaration(trx, 'declaration_history', earlier, record);
      else await insertDeclaration(trx, 'declaration_history', record);
      await audit(earlier ? 'declaration.change' : 'declaration.add', userId, earlier ?? null, declaration);
      history.set(key, record);
      counter.count(earlier ? 'changed' : 'added');
    }
  }
  return counter.result();
}

/** `user_id,count,received_on`: records every declaration, or nothing if any row is wrong. */
export async function importDeclarations(
  knex: Knex,
  content: Buffer | readonly CsvRecord[],
  fileName: string,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<ImportSummary> {
  const file = readImportFile(content, DECLARATIONS_FILE, fileName);
  return knex.transaction(async (trx) => {
    const summary = await saveDeclarations(trx, file.rows, actor, origin, file.source, file.errors);
    await recordImport(trx, actor, 'declarations.import', fileName, summary, origin);
    return summary;
  });
}

export async function recordDeclaration(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const read = readRecord(form, DECLARATION_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  return knex.transaction((trx) => saveDeclarations(trx, [{ value: read.value }], actor, origin, { kind: 'form' }));
}

/** The declaration a remove form names, the one in force for its User and those before it; refuses one that is not there. */
async function findRemoval(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
): Promise<{ removed: DeclarationRecord; inForce: DeclarationRecord | undefined; earlier: DeclarationRecord[] }> {
  const read = readRecord(form, { user_id: userIdRule, received_on: dateRule });
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  const { user_id: userId, received_on: receivedOn } = read.value;
  const inForce = (await listCurrentDeclarations(knex)).find((d) => d.userId === userId);
  const earlier = (await listDeclarationHistory(knex)).filter((d) => d.userId === userId);
  const removed = inForce?.receivedOn === receivedOn ? inForce : earlier.find((d) => d.receivedOn === receivedOn);
  if (!removed) refuse([{ field: 'received_on', message: `${userId} has no declaration received on ${receivedOn}` }], { kind: 'form' });
  return { removed, inForce, earlier };
}

/**
 * What removing the declaration a form names would do, without doing it: the declaration, whether
 * it is the one in force, and the one that would be in force instead (null: none).
 */
export async function declarationRemoval(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
): Promise<{ removed: DeclarationRecord; inForce: boolean; nowInForce: Declaration | null }> {
  const { removed, inForce, earlier } = await findRemoval(knex, form);
  return removed === inForce ? { removed, inForce: true, nowInForce: earlier.at(-1) ?? null } : { removed, inForce: false, nowInForce: inForce ?? null };
}

/**
 * Removes a declaration recorded in error. Removing the one in force puts the latest earlier one
 * (if any) back in force.
 */
export async function removeDeclaration(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<Declaration> {
  return knex.transaction(async (trx) => {
    const { removed, inForce, earlier } = await findRemoval(trx, form);
    const { userId, receivedOn } = removed;

    let nowInForce: Declaration | null = inForce ?? null;
    if (removed === inForce) {
      await deleteDeclaration(trx, 'declarations', userId, receivedOn);
      // The history is oldest first; its last is the one that was in force before the removed one.
      const previous = earlier.at(-1);
      nowInForce = previous ?? null;
      if (previous) {
        await deleteDeclaration(trx, 'declaration_history', userId, previous.receivedOn);
        await insertDeclaration(trx, 'declarations', previous);
      }
    } else {
      await deleteDeclaration(trx, 'declaration_history', userId, receivedOn);
    }
    await recordAudit(
      trx,
      actor,
      {
        action: 'declaration.remove',
        entity: 'declaration',
        entityId: userId,
        before: audited(removed),
        after: nowInForce && { inForce: audited(nowInForce) },
      },
      origin,
    );
    return removed;
  });
}

export async function declarationsCsv(knex: Knex): Promise<string> {
  // Every declaration kept, so that importing the file back gives the same history.
  return safeCsv(
    ['user_id', 'count', 'received_on'],
    (await listDeclarationVersions(knex)).map((d) => [d.userId, d.count, d.receivedOn]),
  );
}

/** Every declaration the engine should see: those in force and those they replaced. */
export async function declarationInputs(knex: Knex): Promise<Declaration[]> {
  return (await listDeclarationVersions(knex)).map(({ userId, count, receivedOn }) => ({ userId, count, receivedOn }));
}
