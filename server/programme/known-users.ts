// Declarations and allowances are refused for a User ID that is not in the Users register: a
// mistyped ID would otherwise put a phantom User in front of the Panel. Users found in snapshots
// are in the register (unregistered) already, so only IDs nobody has seen are refused.
import type { Knex } from 'knex';
import { listDccUsers } from '../../db/queries/dcc-users.ts';
import type { FieldError } from '../http/errors.ts';

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
