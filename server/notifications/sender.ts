// Sends what the outbox holds: each due message claimed by one sender (however many instances run),
// e-mailed through SMTP or posted to its webhook, and its outcome recorded. A message that cannot
// go now (SMTP down, a webhook answering 500) waits and is tried again with a growing delay; one
// whose sender died while sending is claimed again once its claim runs out. Nothing is lost; a
// message goes twice only if the far side took it and the database could not record that.
import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import nodemailer, { type Transporter } from 'nodemailer';
import {
  claimMessage,
  dueMessageIds,
  findMessage,
  findWebhook,
  markAttemptFailed,
  markSent,
  releaseStaleClaims,
  type OutboxRow,
} from '../../db/queries/notifications.ts';
import { reportPdf } from '../../db/queries/reports.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { isNotificationEvent } from './events.ts';
import { renderEmail } from './messages.ts';

export interface SenderDeps {
  knex: Knex;
  logger: Logger;
  config: Pick<Config, 'mail' | 'publicUrl'>;
  /** Names this sender in its claims (host and process). */
  instance: string;
}

/** Attempts before a message is left failed (about 14 hours of waiting in all). */
export const MAX_ATTEMPTS = 20;
/** How long a claim holds: a sender still at it after this is taken to have died. */
const CLAIM_MS = 2 * 60_000;
const BATCH = 50;

/** 30 s, 1 min, 2 min … doubling to at most an hour between attempts. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

export interface SendPass {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
}

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    // The URL's settings, with timeouts so that an SMTP server that stops answering fails the attempt.
    const url = new URL(smtpUrl);
    transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
      secure: url.protocol === 'smtps:',
      ...(url.username === '' ? {} : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    transports.set(smtpUrl, transport);
  }
  return transport;
}

/** The signature of a webhook body: HMAC-SHA256 with the webhook's secret, as `sha256=<hex>`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A message that will never go, whatever is tried: recorded as such, not retried. */
class Undeliverable extends Error {
  constructor(
    message: string,
    readonly status: 'failed' | 'skipped',
  ) {
    super(message);
  }
}

async function sendEmail(deps: SenderDeps, row: OutboxRow, payload: Record<string, unknown>): Promise<void> {
  const { smtpUrl, from, attachmentMaxBytes } = deps.config.mail;
  if (smtpUrl === null) throw new Undeliverable('E-mail is off: SMTP_URL is not set.', 'skipped');
  if (!isNotificationEvent(row.event)) throw new Undeliverable(`Unknown event ${row.event}`, 'failed');
  const attachments: Array<{ filename: string; content: Buffer; contentType: string }> = [];
  const extra: Record<string, unknown> = {};
  if (row.event === 'report.published' && typeof payload.reportId === 'number') {
    const pdf = attachmentMaxBytes > 0 ? await reportPdf(deps.knex, payload.reportId) : undefined;
    if (pdf && pdf.length <= attachmentMaxBytes) {
      attachments.push({ filename: `backfill-report-${String(payload.month)}-v${String(payload.version)}.pdf`, content: pdf, contentType: 'application/pdf' });
      extra.attached = true;
    } else extra.tooLarge = true;
  }
  const email = renderEmail(row.event, { ...payload, ...extra }, deps.config.publicUrl);
  await transportFor(smtpUrl).sendMail({
    from,
    to: row.recipient,
    subject: email.subject,
    text: email.text,
    html: email.html,
    attachments,
    // The same id on every attempt, so a mail system that saw it already can tell.
    messageId: `<outbox-${row.id}.${row.created_at.replace(/\D/g, '')}@backfill-monitor>`,
    headers: { 'X-Backfill-Event': row.event },
  });
}

/** POSTs a JSON body to a webhook, signed with its secret; resolves with the answer's status. */
export async function postSigned(hook: { url: string; secret: string }, call: { event: string; delivery: number; body: string }): Promise<number> {
  const res = await fetch(hook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'backfill-monitor',
      'x-backfill-event': call.event,
      'x-backfill-delivery': String(call.delivery),
      'x-backfill-signature': webhookSignature(hook.secret, call.body),
    },
    body: call.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
  await res.body?.cancel();
  return res.status;
}

async function callWebhook(deps: SenderDeps, row: OutboxRow, payload: Record<string, unknown>): Promise<void> {
  const hook = await findWebhook(deps.knex, Number(row.recipient));
  if (!hook || hook.removed_at !== null) throw new Undeliverable('The webhook was removed before the message could be sent.', 'skipped');
  const body = JSON.stringify({ id: row.id, event: row.event, occurredAt: `${row.created_at.replace(' ', 'T')}Z`, data: payload });
  const status = await postSigned(hook, { event: row.event, delivery: row.id, body });
  if (status < 200 || status > 299) throw new Error(`${hook.url} answered ${status}`);
}

/** Sends every message due now; returns what became of them. */
export async function sendDue(deps: SenderDeps, now: () => Date = () => new Date()): Promise<SendPass> {
  const pass: SendPass = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  await releaseStaleClaims(deps.knex, now());
  for (;;) {
    const ids = await dueMessageIds(deps.knex, now(), BATCH);
    let claimedAny = false;
    for (const id of ids) {
      if (!(await claimMessage(deps.knex, id, deps.instance, new Date(now().getTime() + CLAIM_MS)))) continue;
      claimedAny = true;
      const row = (await findMessage(deps.knex, id))!;
      try {
        const payload = JSON.parse(row.payload) as Record<string, unknown>;
        if (row.channel === 'email') await sendEmail(deps, row, payload);
        else await callWebhook(deps, row, payload);
        await markSent(deps.knex, id, deps.instance, now(), row.attempts + 1);
        pass.sent += 1;
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        const attempts = row.attempts + 1;
        const final = err instanceof Undeliverable ? err.status : attempts >= MAX_ATTEMPTS ? 'failed' : null;
        const retryAt = final === null ? new Date(now().getTime() + retryDelayMs(attempts)) : null;
        await markAttemptFailed(deps.knex, id, deps.instance, { attempts, error, retryAt, ...(final === null ? {} : { final }) });
        if (final === 'skipped') pass.skipped += 1;
        else if (final === 'failed') pass.failed += 1;
        else pass.retrying += 1;
        if (final !== 'skipped')
          deps.logger.warn({ err, outbox: id, channel: row.channel, event: row.event, attempts, retryAt }, 'a notification could not be sent');
      }
    }
    // Another pass only while there may be more than one batch due.
    if (ids.length < BATCH || !claimedAny) return pass;
  }
}
