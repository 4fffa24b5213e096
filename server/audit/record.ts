// The one way anything writes to the audit log, so every entry names its actor the same way.
import type { Knex } from 'knex';
import { insertAudit, type AuditRecord } from '../../db/queries/audit.ts';
import type { Actor } from '../auth/roles.ts';

/** Where a change came from, when it came over HTTP. */
export interface RequestOrigin {
  requestId?: string | null;
  ip?: string | null;
}

export type AuditEntry = Omit<AuditRecord, 'actorKind' | 'actor' | 'requestId' | 'ip'>;

export function recordAudit(knex: Knex, actor: Actor, entry: AuditEntry, origin: RequestOrigin = {}): Promise<void> {
  return insertAudit(knex, { ...entry, actorKind: actor.kind, actor: actor.name, requestId: origin.requestId, ip: origin.ip });
}
