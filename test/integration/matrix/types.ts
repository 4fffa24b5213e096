import type { Database } from '../../../db/connection.ts';
import type { Role } from '../../../server/auth/roles.ts';

export type Who = 'anonymous' | Role;
/** Expected status per caller; 'login' means sent to the login page (302 for GET, 303 for POST). */
export type Outcome = number | 'login';

export interface MatrixRow {
  method: 'GET' | 'POST';
  /** The route as registered, e.g. /snapshots/:id */
  route: string;
  /** The path requested; defaults to route. Fill parameters with something that exists. */
  path?: string;
  expect: Record<Who, Outcome>;
}

export const ALL = { anonymous: 'login', secas: 200, panel: 200, dcc: 200 } as const;
export const SECAS_ONLY = { anonymous: 'login', secas: 200, panel: 403, dcc: 403 } as const;

/** One area's rows, and the data its parameterised paths need (run once before the checks). */
export interface MatrixArea {
  rows: MatrixRow[];
  seed?: (ctx: { db: Database; dataDir: string }) => Promise<void>;
}
