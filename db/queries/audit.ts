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

/** Which entries a listing keeps; every part optional. Instants are UTC, as stored. */
export interface AuditFilter {
  /** Part of the actor's name or address, in any case. */
  actorLike?: string | undefined;
  /** The action's kind: the part before the first dot (declaration for declaration.add, .remove…), or a whole action. */
  kind?: string | undefined;
  /** On or after this instant. */
  from?: string | undefined;
  /** Before this instant. */
  before?: string | undefined;
}

/**
 * LIKE's wildcards in text someone typed stand for themselves. The escape is '!': a backslash
 * would need spelling differently for SQLite and for MySQL's string literals.
 */
function literalLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function filtered(knex: Knex, filter: AuditFilter): Knex.QueryBuilder {
  const query = knex('audit_log');
  // lower() on both sides: MySQL's columns here compare as binary, case and all.
  if (filter.actorLike) void query.whereRaw("lower(??) like ? escape '!'", ['actor', `%${literalLike(filter.actorLike.toLowerCase())}%`]);
  const kind = filter.kind;
  if (kind) void query.where((q) => void q.where('action', kind).orWhereRaw("?? like ? escape '!'", ['action', `${literalLike(kind)}.%`]));
  if (filter.from) void query.where('at', '>=', filter.from);
  if (filter.before) void query.where('at', '<', filter.before);
  return query;
}

/** Newest first: `limit` entries after the `offset` newest of those the filter keeps. */
export function listAudit(knex: Knex, options: { limit: number; offset: number; filter?: AuditFilter }): Promise<AuditRow[]> {
  return filtered(knex, options.filter ?? {})
    .orderBy('id', 'desc')
    .offset(options.offset)
    .limit(options.limit) as Promise<AuditRow[]>;
}

export async function countAudit(knex: Knex, filter: AuditFilter = {}): Promise<number> {
  const row = (await filtered(knex, filter).count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Every action recorded (from the action index), for the filter's list of kinds. */
export async function auditActions(knex: Knex): Promise<string[]> {
  const rows = await knex<{ action: string }>('audit_log').distinct('action').orderBy('action');
  return rows.map((row) => row.action);
}

/** The newest entry of an action, or undefined. */
export async function latestAuditOf(knex: Knex, action: string): Promise<AuditRow | undefined> {
  return knex<AuditRow>('audit_log').where({ action }).orderBy('id', 'desc').first();
}

export async function findAudit(knex: Knex, id: number): Promise<AuditRow | undefined> {
  return knex<AuditRow>('audit_log').where({ id }).first();
}
