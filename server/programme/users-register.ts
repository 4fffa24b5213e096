// The Users register (SPEC §3.3): each DCC User's EUI-64, name and short name. Naming a User —
// from the form or an import — registers it; one a snapshot added stays flagged until then.
import type { Knex } from 'knex';
import { insertDccUser, listDccUsers, updateDccUser, type DccUser } from '../../db/queries/dcc-users.ts';
import type { RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { normaliseEui64 } from '../snapshots/format/eui64.ts';
import { safeCsv } from '../safe-csv.ts';
import { optionalTextRule, textRule, userIdRule } from './field-rules.ts';
import { readImportFile, refuse, refuseIfAny, type ImportKind, type ImportSummary } from './import-file.ts';
import { recordImport, saveKeyed, type KeyedTable } from './keyed-changes.ts';
import { readRecord } from './record-reader.ts';

export { listDccUsers as listUsers };
export type { DccUser };

const USER_RULES = {
  user_id: userIdRule,
  name: textRule('The name', 200),
  short_name: optionalTextRule('The short name', 50),
};

export const USERS_FILE: ImportKind<typeof USER_RULES> = {
  layout: { required: ['user_id', 'name'], optional: ['short_name'] },
  rules: USER_RULES,
  key: (value) => value.user_id,
  keyColumns: 'user_id',
};

const USERS: KeyedTable<DccUser> = {
  action: 'user',
  entity: 'dcc_user',
  key: (user) => user.userId,
  audited: (user) => ({ name: user.name, shortName: user.shortName, registered: user.registered }),
  list: listDccUsers,
  insert: insertDccUser,
  update: updateDccUser,
};

/**
 * A User is registered once it has a name of its own. One "named" by its own ID (as an export lists
 * an unregistered User) stays flagged, so importing an export back changes nothing.
 */
function named(userId: string, name: string, shortName: string | null): DccUser {
  return { userId, name, shortName, registered: normaliseEui64(name) !== userId };
}

/** `user_id,name[,short_name]`: adds or renames every User in the file, or nothing if any row is wrong. */
export async function importUsers(knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const file = readImportFile(content, USERS_FILE, fileName);
  refuseIfAny(file.errors, file.source);
  // A file without the short_name column leaves the short names stored as they are.
  const keepShortNames = !file.columns.has('short_name');
  const users = file.rows.map(({ value }) => named(value.user_id, value.name, value.short_name));
  return knex.transaction(async (trx) => {
    const summary = await saveKeyed(trx, USERS, users, actor, origin, (user, stored) =>
      keepShortNames ? { ...user, shortName: stored?.shortName ?? null } : user,
    );
    await recordImport(trx, actor, 'users.import', fileName, summary, origin);
    return summary;
  });
}

/** One User from the register form (fields user_id, name, short_name). */
export async function saveUser(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ user: DccUser; summary: ImportSummary }> {
  const read = readRecord(form, USER_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  const user = named(read.value.user_id, read.value.name, read.value.short_name);
  const summary = await knex.transaction((trx) => saveKeyed(trx, USERS, [user], actor, origin));
  return { user, summary };
}

export async function usersCsv(knex: Knex): Promise<string> {
  const users = await listDccUsers(knex);
  // Unregistered Users are listed too, named by their ID: SECAS can name them in the file and import it back.
  return safeCsv(
    ['user_id', 'name', 'short_name', 'registered'],
    users.map((user) => [user.userId, user.name, user.shortName, user.registered ? 'yes' : 'no']),
  );
}
