// Notifications on the web: each person's e-mail choices (/account), and for SECAS the outbox with
// each message's state and a resend, and the webhooks systems are called at (/notifications).
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  countMessages,
  countMessagesByStatus,
  disabledEvents,
  findMessage,
  findWebhook,
  insertMessages,
  insertWebhook,
  listMessages,
  listWebhooks,
  removeWebhook,
  setPreferences,
} from '../../db/queries/notifications.ts';
import { recordAudit } from '../audit/record.ts';
import { allow, type Routes } from '../auth/access.ts';
import { ROLES, actorOf } from '../auth/roles.ts';
import { originOf } from '../auth/routes.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { pageHrefs, paginationView, pageWindow } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { EVENTS, EVENT_NAMES, eventsFor, isNotificationEvent } from './events.ts';
import { postSigned } from './sender.ts';

const STYLES = ['admin.css'];

function mailStatus(ctx: RouteContext): { on: boolean; text: string } {
  const { smtpUrl, from } = ctx.config.mail;
  if (smtpUrl === null) return { on: false, text: 'E-mail is off: SMTP_URL is not set, so no e-mail is sent (messages are recorded as not sent).' };
  return { on: true, text: `E-mail is on: sent through ${new URL(smtpUrl).host} from ${from}.` };
}

/** The webhook address as given: http(s), no credentials in it (they would be shown on the page). */
function parseWebhookUrl(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.trim() : '';
  let url: URL | null = null;
  if (URL.canParse(value)) url = new URL(value);
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || value.length > 2000) {
    const message = 'Give the address the calls go to, e.g. https://systems.example.org/backfill-hook (http or https, no user name or password in it).';
    throw new ValidationError(message, [{ field: 'url', message }]);
  }
  return url.toString();
}

function chosenEvents(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return [...new Set(values.filter(isNotificationEvent))];
}

export function registerNotificationRoutes(routes: Routes, ctx: RouteContext): void {
  const accountPage = async (req: Request, res: Response, status = 200): Promise<void> => {
    const principal = req.principal!;
    if (principal.kind !== 'account') throw new NotFoundError();
    const off = await disabledEvents(ctx.knex, principal.id);
    ctx.pages.page(
      req,
      res,
      'account',
      {
        title: 'Your account',
        styles: STYLES,
        email: principal.email,
        mail: mailStatus(ctx),
        events: eventsFor(principal.role).map((event) => ({ event, label: EVENTS[event].label, on: !off.has(event) })),
      },
      status,
    );
  };

  routes.get('/account', allow(...ROLES), (req, res) => accountPage(req, res));

  routes.post('/account/notifications', allow(...ROLES), async (req, res) => {
    const principal = req.principal!;
    if (principal.kind !== 'account') throw new NotFoundError();
    const wanted = new Set(chosenEvents((req.body as Record<string, unknown>).event));
    const choices = eventsFor(principal.role).map((event) => ({ event, enabled: wanted.has(event) }));
    await ctx.knex.transaction(async (trx) => {
      await setPreferences(trx, principal.id, choices);
      await recordAudit(
        trx,
        actorOf(principal),
        { action: 'account.notifications', entity: 'account', entityId: principal.id, after: Object.fromEntries(choices.map((c) => [c.event, c.enabled])) },
        originOf(req),
      );
    });
    req.session.flash = 'Your e-mail choices are saved.';
    res.redirect(303, '/account');
  });

  const notificationsPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200): Promise<void> => {
    const window = pageWindow(req.query.page, await countMessages(ctx.knex));
    const hooks = await listWebhooks(ctx.knex);
    const urls = new Map(hooks.map((h) => [String(h.id), h.url]));
    const messages = await listMessages(ctx.knex, { offset: window.offset, limit: window.size });
    const counts = await countMessagesByStatus(ctx.knex);
    ctx.pages.page(
      req,
      res,
      'notifications',
      {
        title: 'Notifications',
        styles: STYLES,
        mail: mailStatus(ctx),
        counts: ['pending', 'sending', 'sent', 'failed', 'skipped'].map((state) => ({ state, n: counts[state] ?? 0 })),
        messages: messages.map((m) => ({
          ...m,
          to: m.channel === 'email' ? m.recipient : (urls.get(m.recipient) ?? `webhook ${m.recipient} (removed)`),
          canResend: m.status !== 'pending' && m.status !== 'sending',
        })),
        pagination: paginationView(window, 'Pages of notifications', pageHrefs(req, '/notifications', { fragment: 'messages-title' })),
        webhooks: hooks.map((h) => ({ ...h, events: JSON.parse(h.events) as string[] })),
        allEvents: EVENT_NAMES.map((event) => ({ event, label: EVENTS[event].label })),
        ...extra,
      },
      status,
    );
  };

  routes.get('/notifications', allow('secas'), (req, res) => notificationsPage(req, res));

  // A copy of the message, sent again as a new one (the original keeps its record).
  routes.post('/notifications/:id/resend', allow('secas'), async (req, res) => {
    const message = await findMessage(ctx.knex, Number(req.params.id));
    if (!message) throw new NotFoundError('There is no such notification.');
    await ctx.knex.transaction(async (trx) => {
      await insertMessages(trx, [
        { channel: message.channel, event: message.event, recipient: message.recipient, payload: JSON.parse(message.payload), dedupeKey: null },
      ]);
      await recordAudit(
        trx,
        actorOf(req.principal!),
        { action: 'notification.resend', entity: 'notification', entityId: message.id, after: { event: message.event, to: message.recipient } },
        originOf(req),
      );
    });
    req.session.flash = `Notification ${message.id} (${message.event} to ${message.channel === 'email' ? message.recipient : 'a webhook'}) will be sent again.`;
    res.redirect(303, '/notifications');
  });

  routes.post('/notifications/webhooks', allow('secas'), async (req, res) => {
    const form = req.body as Record<string, unknown>;
    try {
      const url = parseWebhookUrl(form.url);
      const events = chosenEvents(form.event);
      if (events.length === 0) {
        const message = 'Choose at least one event the webhook is called for.';
        throw new ValidationError(message, [{ field: 'event', message }]);
      }
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      const id = await ctx.knex.transaction(async (trx) => {
        const made = await insertWebhook(trx, { url, events, secret, createdBy: actorOf(req.principal!).name });
        await recordAudit(trx, actorOf(req.principal!), { action: 'webhook.add', entity: 'webhook', entityId: made, after: { url, events } }, originOf(req));
        return made;
      });
      res.set('Cache-Control', 'no-store');
      await notificationsPage(req, res, { newWebhook: { id, url, secret } });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      await notificationsPage(
        req,
        res,
        { webhookError: err.message, webhookForm: { url: typeof form.url === 'string' ? form.url : '', events: chosenEvents(form.event) } },
        422,
      );
    }
  });

  routes.post('/notifications/webhooks/:id/remove', allow('secas'), async (req, res) => {
    const id = Number(req.params.id);
    const removed = await ctx.knex.transaction(async (trx) => {
      const done = await removeWebhook(trx, id);
      if (done) await recordAudit(trx, actorOf(req.principal!), { action: 'webhook.remove', entity: 'webhook', entityId: id }, originOf(req));
      return done;
    });
    if (!removed) throw new NotFoundError('There is no such webhook.');
    req.session.flash = `Webhook ${id} is removed: nothing more is sent to it.`;
    res.redirect(303, '/notifications');
  });

  // Calls the webhook now with a signed "ping", and says what it answered: a check of the address and the secret.
  routes.post('/notifications/webhooks/:id/test', allow('secas'), async (req, res) => {
    const hook = await findWebhook(ctx.knex, Number(req.params.id));
    if (!hook || hook.removed_at !== null) throw new NotFoundError('There is no such webhook.');
    const body = JSON.stringify({ id: 0, event: 'ping', occurredAt: new Date().toISOString(), data: { webhookId: hook.id } });
    let outcome: string;
    try {
      const status = await postSigned(hook, { event: 'ping', delivery: 0, body });
      outcome = status >= 200 && status <= 299 ? `answered ${status}: it works.` : `answered ${status}, not 2xx: calls to it would be retried.`;
    } catch (err) {
      outcome = `could not be reached: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}.`;
    }
    await recordAudit(ctx.knex, actorOf(req.principal!), { action: 'webhook.test', entity: 'webhook', entityId: hook.id, after: { outcome } }, originOf(req));
    req.session.flash = `The test call to ${hook.url} ${outcome}`;
    res.redirect(303, '/notifications');
  });
}
