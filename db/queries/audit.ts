// Writes and reads the audit log.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export interface AuditRecord {
  actorKind: 'account' | 'token' | 'cli' | 'system';
  actor: string;
  action: string;
  entity?: string | null;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ip?: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor_kind: string;
  actor: string;
  action: string;
  entity: string | null;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  request_id: string | null;
  ip: string | null;
}

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export async function insertAudit(knex: Knex, record: AuditRecord): Promise<void> {
  await knex('audit_log').insert({
    at: toDbInstant(),
    actor_kind: record.actorKind,
    actor: record.actor,
    action: record.action,
    entity: record.entity ?? null,
    entity_id: record.entityId == null ? null : String(record.entityId),
    before: json(record.before),
    after: json(record.after),
    request_id: record.requestId ?? null,
    ip: record.ip ?? null,
  });
}

/** Newest first: `limit` entries after the `offset` newest. */
export function listAudit(knex: Knex, options: { limit: number; offset: number }): Promise<AuditRow[]> {
  return knex<AuditRow>('audit_log').orderBy('id', 'desc').offset(options.offset).limit(options.limit);
}

export async function countAudit(knex: Knex): Promise<number> {
  const row = (await knex('audit_log').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}
