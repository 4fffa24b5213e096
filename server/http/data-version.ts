// The data version (db/queries/data-version.ts) as it was when a request arrived, read once for
// the request however many caches ask for it.
import type { Request } from 'express';
import type { Knex } from 'knex';
import { readDataVersion } from '../../db/queries/data-version.ts';

const VERSION = Symbol('data version');

export function dataVersionOf(req: Request, knex: Knex): Promise<string> {
  const carrier = req as Request & { [VERSION]?: Promise<string> };
  return (carrier[VERSION] ??= readDataVersion(knex));
}
