// The three roles of SPEC §2 and who a request is acting as.

import { ROLES, type Role } from '../../db/queries/accounts.ts';

export { ROLES, type Role };

export const ROLE_LABELS: Record<Role, string> = {
  secas: 'SECAS',
  panel: 'SEC Panel',
  dcc: 'DCC',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is making a request: a person with a session, or a system with an API token. */
export type Principal = { kind: 'account'; id: number; email: string; role: Role } | { kind: 'token'; id: number; name: string; role: Role };

/** Who did something, as the audit log records it. */
export interface Actor {
  kind: 'account' | 'token' | 'cli' | 'system';
  name: string;
}

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'account' ? { kind: 'account', name: principal.email } : { kind: 'token', name: principal.name };
}
