// An outbox message as the person reads it: a subject, a plain-text part and an HTML part, made at
// sending time from the event's payload (views/email/<event>.txt.hbs and .html.hbs, inside
// views/layouts/email.hbs). The text part is compiled without HTML escaping; the HTML part escapes
// everything it prints, as every page does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatMonth, registerFormatHelpers } from '../templates/view-helpers.ts';
import { VIEWS_DIR } from '../templates/views.ts';
import type { NotificationEvent } from './events.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Template = Handlebars.TemplateDelegate;

function compiler(escape: boolean): (file: string) => Template {
  const hbs = Handlebars.create();
  registerFormatHelpers(hbs);
  const cache = new Map<string, Template>();
  return (file) => {
    let template = cache.get(file);
    if (!template) {
      template = hbs.compile(readFileSync(path.join(VIEWS_DIR, file), 'utf8'), { noEscape: !escape, strict: false, preventIndent: true });
      cache.set(file, template);
    }
    return template;
  };
}

const textTemplate = compiler(false);
const htmlTemplate = compiler(true);

/** The subject of each event's e-mail, from its payload (plain text). */
const SUBJECTS: Record<NotificationEvent, (p: Record<string, unknown>) => string> = {
  'report.published': (p) => `Published: the ${String(p.monthName)} MAP ID backfill report (version ${String(p.version)})`,
  'report.drafted': (p) => `${p.stale ? 'Draft ready, stale data' : 'Draft ready'}: the ${String(p.monthName)} report (version ${String(p.version)})`,
  'report.draft-failed': (p) => `The ${String(p.monthName)} report could not be drafted`,
  'daily.digest': (p) => `Daily check ${String(p.date)}: ${String(p.turnedRedCount)} turned RED, ${String(p.newFlagCount)} new flag(s)`,
  'snapshot.imported': (p) => `Imported: ${String(p.fileName)} (as of ${String(p.asOf)})`,
  'snapshot.refused': (p) => `Refused: ${String(p.fileName)}`,
  'job.failed': (p) => `Job failed: ${String(p.job)} (${String(p.key)})`,
};

/** The pages a message points to, as full addresses (null without PUBLIC_URL). */
function links(payload: Record<string, unknown>, base: string | null): Record<string, string | null> {
  const at = (p: string): string | null => (base === null ? null : `${base}${p}`);
  return {
    overviewUrl: at('/'),
    reportsUrl: at('/reports'),
    pdfUrl: typeof payload.reportId === 'number' ? at(`/reports/${payload.reportId}.pdf`) : null,
    snapshotsUrl: at(typeof payload.snapshotId === 'number' ? `/snapshots/${payload.snapshotId}` : '/snapshots'),
    jobsUrl: at('/jobs'),
    accountUrl: at('/account'),
  };
}

/** Renders the e-mail for an event; `publicUrl` makes the links (null: the pages are named without them). */
export function renderEmail(event: NotificationEvent, payload: Record<string, unknown>, publicUrl: string | null): RenderedEmail {
  const month = typeof payload.month === 'string' ? payload.month : null;
  const data = {
    ...payload,
    monthName: month ? formatMonth(month) : null,
    turnedRedCount: Array.isArray(payload.turnedRed) ? payload.turnedRed.length : 0,
    newFlagCount: Array.isArray(payload.newFlags) ? payload.newFlags.length : 0,
    ...links(payload, publicUrl),
    base: publicUrl,
  };
  const subject = SUBJECTS[event](data);
  const text =
    textTemplate(`email/${event}.txt.hbs`)(data)
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  const body = htmlTemplate(`email/${event}.html.hbs`)(data);
  const html = htmlTemplate('layouts/email.hbs')({ subject, body: new Handlebars.SafeString(body), base: publicUrl });
  return { subject, text, html };
}
