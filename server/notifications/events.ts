// What the product tells people and systems, and whom (SPEC §6, issue 16): each event, who gets its
// e-mail by default, and `notify`, which writes the messages to the outbox in the transaction of
// the event itself — so a message exists exactly when its event happened, and only once.
import type { Knex } from 'knex';
import { insertMessages, listWebhooks, recipientsOf, type NewMessage } from '../../db/queries/notifications.ts';
import type { Role } from '../auth/roles.ts';

export const EVENTS = {
  'report.published': { label: 'A monthly report is published', roles: ['secas', 'panel'] },
  'report.drafted': { label: 'A monthly draft is ready (saying so when its data is stale)', roles: ['secas'] },
  'report.draft-failed': { label: 'A monthly draft could not be made', roles: ['secas'] },
  'daily.digest': { label: 'Users turned RED and compliance flags raised (one digest a day)', roles: ['secas'] },
  'snapshot.imported': { label: 'A snapshot you uploaded was imported', roles: [] },
  'snapshot.refused': { label: 'A snapshot was refused (yours, or any for SECAS)', roles: ['secas'] },
  'job.failed': { label: 'A scheduled job failed after its retries', roles: ['secas'] },
} as const satisfies Record<string, { label: string; roles: readonly Role[] }>;

export type NotificationEvent = keyof typeof EVENTS;
export const EVENT_NAMES = Object.keys(EVENTS) as NotificationEvent[];

export function isNotificationEvent(value: unknown): value is NotificationEvent {
  return typeof value === 'string' && Object.hasOwn(EVENTS, value);
}

/** The events an account of `role` can be sent: its role's, and those about its own uploads. */
export function eventsFor(role: Role): NotificationEvent[] {
  return EVENT_NAMES.filter((event) => (EVENTS[event].roles as readonly Role[]).includes(role) || (role === 'dcc' && event.startsWith('snapshot.')));
}

export interface Occurrence {
  /** What happened, unique within the event (a report's id, an import's id, a date): no message is written twice for it. */
  id: string;
  payload: Record<string, unknown>;
  /** An account that is told besides the event's roles: the one whose upload it was. */
  alsoAccount?: string | null;
}

/** Writes the event's e-mails (to each account that wants it) and webhook calls to the outbox. */
export async function notify(trx: Knex, event: NotificationEvent, occurrence: Occurrence): Promise<void> {
  const people = await recipientsOf(trx, { roles: EVENTS[event].roles }, event);
  if (occurrence.alsoAccount) people.push(...(await recipientsOf(trx, { email: occurrence.alsoAccount }, event)));
  const addresses = new Set(people.map((p) => p.email));
  const messages: NewMessage[] = [...addresses].map((address) => ({
    channel: 'email',
    event,
    recipient: address,
    payload: occurrence.payload,
    dedupeKey: `${event}:${occurrence.id}:email:${address}`.slice(0, 191),
  }));
  for (const hook of await listWebhooks(trx)) {
    if (!(JSON.parse(hook.events) as string[]).includes(event)) continue;
    messages.push({
      channel: 'webhook',
      event,
      recipient: String(hook.id),
      payload: occurrence.payload,
      dedupeKey: `${event}:${occurrence.id}:webhook:${hook.id}`,
    });
  }
  await insertMessages(trx, messages);
}
