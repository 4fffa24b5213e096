// What the programme pages share: the stylesheet, reading a submitted form, showing a refusal next
// to its fields, POST-redirect-GET with a flash message, CSV downloads.
import { statusOf } from '../http/error-status.ts';
import type { Request, Response } from 'express';
import { PayloadTooLargeError, ValidationError, type AppError } from '../errors.ts';
import type { PageRenderer } from '../http/render.ts';
import type { RemovalQuestion } from './removal-questions.ts';

export const PROGRAMME_STYLES = ['programme.css'];
/** Asks before a remove form is sent (forms marked data-confirm). */
export const CONFIRM_SCRIPT = ['/assets/confirm.js'];

export function formOf(req: Request): Readonly<Record<string, unknown>> {
  return (req.body ?? {}) as Record<string, unknown>;
}

export interface ErrorsView {
  message: string;
  /** The problems besides the message; a form field's links to the field (`#<form>-<field>`), a file's names its line. */
  list: Array<{ field: string; message: string; line?: number; href?: string }>;
  /** Form problems by field, to show beside each field. */
  byField: Record<string, string>;
}

export function errorsView(err: AppError, form: string): ErrorsView {
  const byField: Record<string, string> = {};
  for (const field of err.fields) if (field.line === undefined) byField[field.field] ??= field.message;
  return {
    message: err.message,
    // A problem the message already says (a form with one wrong field) is not listed twice.
    list: err.fields
      .filter((field) => field.message !== err.message)
      .map((field) => (field.line === undefined ? { ...field, href: `#${form}-${field.field}` } : field)),
    byField,
  };
}

/** Shows the page again with `errors.<form>` and `values.<form>` (what was entered) added to its data. */
export type Again = (extra: Record<string, unknown>, status: number) => Promise<void>;

/**
 * Runs a change asked for by a form. Done, it redirects (303) to `then` with its sentence as the
 * flash message; refused (a ValidationError or an upload too large), it shows the page again with
 * the problems next to the form `form` and status 422 (413).
 */
export async function changeThen(
  req: Request,
  res: Response,
  options: { form: string; then: string; again: Again },
  work: () => Promise<string>,
): Promise<void> {
  try {
    req.session.flash = await work();
    res.redirect(303, options.then);
  } catch (err) {
    await showRefusal(req, err, options);
  }
}

/** A refused form shows its page again with the problems; anything else is not a refusal and goes on up. */
async function showRefusal(req: Request, err: unknown, options: { form: string; again: Again }): Promise<void> {
  if (!(err instanceof ValidationError || err instanceof PayloadTooLargeError)) throw err;
  // Keyed by form, so a page with several forms shows the problems at the one that was sent.
  await options.again({ errors: { [options.form]: errorsView(err, options.form) }, values: { [options.form]: formOf(req) } }, statusOf(err));
}

/**
 * A removal runs only when the form says confirm=yes (the button on the question page, or the
 * page's script once the person said OK): a remove button pressed by mistake, or a form sent by
 * anything else, removes nothing and shows what would go instead. `ask` reads the form and finds
 * the record (refusing, like the removal, one that is not there).
 */
export async function confirmThen(
  req: Request,
  res: Response,
  options: { form: string; then: string; back: string; again: Again; pages: PageRenderer; ask: () => Promise<RemovalQuestion> },
  work: () => Promise<string>,
): Promise<void> {
  if (formOf(req).confirm === 'yes') return changeThen(req, res, options, work);
  try {
    const question = await options.ask();
    options.pages.page(req, res, 'confirm-remove', {
      title: question.heading,
      styles: PROGRAMME_STYLES,
      ...question,
      action: req.originalUrl.split('?')[0],
      back: options.back,
    });
  } catch (err) {
    await showRefusal(req, err, options);
  }
}

export function sendCsv(res: Response, fileName: string, csv: string): void {
  res.type('text/csv; charset=utf-8');
  res.attachment(fileName);
  res.send(csv);
}
