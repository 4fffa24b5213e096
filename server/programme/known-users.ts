// Declarations and allowances are refused for a User ID that is not in the Users register: a
// mistyped ID would otherwise put a phantom User in front of the Panel. Users found in snapshots
// are in the register (unregistered) already, so only IDs nobody has seen are refused. Their forms
// name the User by its ID or by its name in the register.
import type { Knex } from 'knex';
import { listDccUsers } from '../../db/queries/dcc-users.ts';
import type { FieldError } from '../errors.ts';
import { normaliseEui64 } from '../snapshots/format/eui64.ts';

export async function unknownUserErrors(knex: Knex, rows: ReadonlyArray<{ line?: number; userId: string }>): Promise<FieldError[]> {
  const known = new Set((await listDccUsers(knex)).map((user) => user.userId));
  return rows
    .filter((row) => !known.has(row.userId))
    .map((row) => ({
      field: 'user_id',
      message: `${row.userId} is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)`,
      ...(row.line === undefined ? {} : { line: row.line }),
    }));
}

/**
 * The form with its `user_id` made the ID of the one User whose name or short name it gives (in
 * any case): the form asks for a User by ID or name, since a list of every User is too long to
 * choose from at thousands of them. Anything else (an ID, no match, two Users of that name) is
 * left for the form's own rules to accept or refuse.
 */
export async function withUserIdFromName(knex: Knex, form: Readonly<Record<string, unknown>>): Promise<Readonly<Record<string, unknown>>> {
  const given = typeof form.user_id === 'string' ? form.user_id.trim().toLowerCase() : '';
  if (given === '' || normaliseEui64(given) !== null) return form;
  const matches = (await listDccUsers(knex)).filter((user) => user.name.toLowerCase() === given || user.shortName?.toLowerCase() === given);
  return matches.length === 1 ? { ...form, user_id: matches[0]!.userId } : form;
}
