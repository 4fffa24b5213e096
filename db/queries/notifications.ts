// The notification outbox, each account's e-mail choices and the registered webhooks.
import type { Knex } from 'knex';
import { toDbInstant } from '../instant.ts';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
export type Channel = 'email' | 'webhook';

export interface OutboxRow {
  id: number;
  channel: Channel;
  event: string;
  recipient: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
  dedupe_key: string | null;
}

export interface NewMessage {
  channel: Channel;
  event: string;
  recipient: string;
  payload: unknown;
  /** Null for a resend; otherwise a second message with the same key is not written. */
  dedupeKey: string | null;
}

/** Writes messages to send; one already written under the same key is left as it is. */
export async function insertMessages(knex: Knex, messages: readonly NewMessage[], at = new Date()): Promise<void> {
  if (messages.length === 0) return;
  const now = toDbInstant(at);
  await knex('notification_outbox')
    .insert(
      messages.map((m) => ({
        channel: m.channel,
        event: m.event,
        recipient: m.recipient,
        payload: JSON.stringify(m.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        dedupe_key: m.dedupeKey,
      })),
    )
    .onConflict('dedupe_key')
    .ignore();
}

/** Ids of messages due to be sent, oldest first; a claim on each follows. */
export async function dueMessageIds(knex: Knex, at: Date, limit: number): Promise<number[]> {
  const rows = (await knex('notification_outbox')
    .select('id')
    .where({ status: 'pending' })
    .where('next_attempt_at', '<=', toDbInstant(at))
    .orderBy('id')
    .limit(limit)) as Array<{ id: number }>;
  return rows.map((r) => r.id);
}

/** Claims one message for this sender; false when another sender has it. */
export async function claimMessage(knex: Knex, id: number, by: string, until: Date): Promise<boolean> {
  const changed = await knex('notification_outbox')
    .where({ id, status: 'pending' })
    .update({ status: 'sending', claimed_by: by, claimed_until: toDbInstant(until) });
  return changed === 1;
}

/** Puts back messages whose sender stopped (crashed) while sending them: they are sent again. */
export async function releaseStaleClaims(knex: Knex, at: Date): Promise<number> {
  return knex('notification_outbox')
    .where({ status: 'sending' })
    .where('claimed_until', '<', toDbInstant(at))
    .update({ status: 'pending', claimed_by: null, claimed_until: null });
}

export function findMessage(knex: Knex, id: number): Promise<OutboxRow | undefined> {
  return knex('notification_outbox').where({ id }).first() as Promise<OutboxRow | undefined>;
}

/** Sent, on attempt number `attempts`. */
export async function markSent(knex: Knex, id: number, by: string, at: Date, attempts: number): Promise<void> {
  await knex('notification_outbox')
    .where({ id, status: 'sending', claimed_by: by })
    .update({ status: 'sent', sent_at: toDbInstant(at), attempts, last_error: null, claimed_until: null });
}

/** A failed attempt: tried again at `retryAt`, or given up (`retryAt` null, or `final` a status of its own). */
export async function markAttemptFailed(
  knex: Knex,
  id: number,
  by: string,
  outcome: { attempts: number; error: string; retryAt: Date | null; final?: Extract<OutboxStatus, 'failed' | 'skipped'> },
): Promise<void> {
  await knex('notification_outbox')
    .where({ id, status: 'sending', claimed_by: by })
    .update({
      status: outcome.retryAt === null ? (outcome.final ?? 'failed') : 'pending',
      next_attempt_at: toDbInstant(outcome.retryAt ?? new Date()),
      attempts: outcome.attempts,
      last_error: outcome.error.slice(0, 2000),
      claimed_until: null,
    });
}

export function listMessages(knex: Knex, page: { offset: number; limit: number }): Promise<OutboxRow[]> {
  return knex('notification_outbox').orderBy('id', 'desc').offset(page.offset).limit(page.limit) as Promise<OutboxRow[]>;
}

export async function countMessages(knex: Knex): Promise<number> {
  const row = (await knex('notification_outbox').count({ n: '*' }).first()) as { n: number | string } | undefined;
  return Number(row?.n ?? 0);
}

/** Messages by status, for the Notifications page (and the metrics' outbox depth). */
export async function countMessagesByStatus(knex: Knex): Promise<Record<string, number>> {
  const rows: Array<{ status: string; n: number | string }> = await knex('notification_outbox').select('status').count({ n: '*' }).groupBy('status');
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Events an account has turned off (no row: on). */
export async function disabledEvents(knex: Knex, accountId: number): Promise<Set<string>> {
  const rows = (await knex('notification_preferences').select('event').where({ account_id: accountId, enabled: false })) as Array<{ event: string }>;
  return new Set(rows.map((r) => r.event));
}

/** Sets each of the account's choices, in one transaction. */
export async function setPreferences(knex: Knex, accountId: number, choices: ReadonlyArray<{ event: string; enabled: boolean }>): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx('notification_preferences').where({ account_id: accountId }).delete();
    if (choices.length > 0) await trx('notification_preferences').insert(choices.map((c) => ({ account_id: accountId, event: c.event, enabled: c.enabled })));
  });
}

/** Active accounts of the given roles (or with the given e-mail address) that have not turned `event` off. */
export async function recipientsOf(
  knex: Knex,
  who: { roles: readonly string[] } | { email: string },
  event: string,
): Promise<Array<{ id: number; email: string; role: string }>> {
  const query = knex('accounts as a').select('a.id', 'a.email', 'a.role');
  if ('email' in who) void query.where('a.email', who.email);
  else void query.whereIn('a.role', who.roles);
  return query
    .whereNull('a.disabled_at')
    .whereNotExists(knex('notification_preferences as p').select(knex.raw('1')).whereRaw('p.account_id = a.id').where({ 'p.event': event, 'p.enabled': false }))
    .orderBy('a.id');
}

export interface WebhookRow {
  id: number;
  url: string;
  events: string;
  secret: string;
  created_by: string;
  created_at: string;
  removed_at: string | null;
}

export async function insertWebhook(knex: Knex, values: { url: string; events: readonly string[]; secret: string; createdBy: string }): Promise<number> {
  const [id] = await knex('webhooks').insert({
    url: values.url,
    events: JSON.stringify(values.events),
    secret: values.secret,
    created_by: values.createdBy,
    created_at: toDbInstant(),
  });
  return Number(id);
}

export function listWebhooks(knex: Knex): Promise<WebhookRow[]> {
  return knex('webhooks').whereNull('removed_at').orderBy('id') as Promise<WebhookRow[]>;
}

export function findWebhook(knex: Knex, id: number): Promise<WebhookRow | undefined> {
  return knex('webhooks').where({ id }).first() as Promise<WebhookRow | undefined>;
}

export async function removeWebhook(knex: Knex, id: number): Promise<boolean> {
  return (await knex('webhooks').where({ id }).whereNull('removed_at').update({ removed_at: toDbInstant() })) === 1;
}
