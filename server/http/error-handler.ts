// The one place errors become responses: JSON on the API, a friendly page elsewhere, a redirect
// to the login page for a person who is not logged in. Unexpected errors are logged with the
// request id, which the page shows so a user can quote it.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from '../logger.ts';
import { AppError, BadRequestError, NotFoundError, PayloadTooLargeError, TooManyRequestsError } from '../errors.ts';
import { outageOf, type FailurePlaces } from '../outage.ts';
import type { ApiError } from './api-schemas.ts';
import { statusOf } from './error-status.ts';
import { isApiPath } from './paths.ts';
import type { PageRenderer } from './render.ts';
import { requestIdOf } from './request-id.ts';
import { requestFields } from './request-log.ts';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** While the database or a disk is down: when to ask again (seconds). */
export const RETRY_AFTER_SECONDS = 60;

function toAppError(err: unknown, places: FailurePlaces): AppError | null {
  if (err instanceof AppError) return err;
  const outage = outageOf(err, places);
  if (outage) return outage;
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e.type === 'entity.too.large') return new PayloadTooLargeError('The form you sent is too large.');
  if (e.type === 'entity.parse.failed' || e.type === 'encoding.unsupported') return new BadRequestError('The request body could not be read.');
  // Static files refuse a path that climbs out of their folder (/assets/..%2f…) with 403: to the
  // visitor there is simply nothing there.
  if (e.status === 404 || (e.status === 403 && e.expose === true)) return new NotFoundError();
  if (e.status === 400 && e.expose === true) return new BadRequestError('The address could not be read; check the link.');
  return null;
}

const TITLES: Record<number, string> = {
  400: 'Something in the request is not right',
  401: 'Please log in',
  403: 'You do not have access to this page',
  404: 'Page not found',
  409: 'That conflicts with what is already there',
  413: 'Too large',
  422: 'Please check what you entered',
  429: 'Too many attempts',
  500: 'Sorry, something went wrong',
  503: 'Service unavailable',
  507: 'The disk is full',
};

function wantsJson(req: Request): boolean {
  return isApiPath(req.path) || req.accepts(['html', 'json']) === 'json';
}

/** `places` names the database file and DATA_DIR in the sentence a full or broken disk gets. */
export function errorHandler(logger: Logger, pages: PageRenderer, places: FailurePlaces): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) {
      // Too late for an error page: a failure after the answer began (a session that could not be
      // saved once the page was sent, a download cut short). Logged here, not printed by Express;
      // a response still open is cut, so the client sees it incomplete rather than whole.
      const outage = outageOf(err, places);
      logger.error({ err, req: requestFields(req) }, `request failed after its answer began${outage ? `: ${outage.message}` : ''}`);
      if (!res.writableEnded) res.destroy();
      return;
    }
    const known = toAppError(err, places);
    const status = known ? statusOf(known) : 500;
    const requestId = requestIdOf(req);
    if (!known) logger.error({ err, req: requestFields(req) }, 'request failed');
    else if (status >= 500) logger.error({ err, req: requestFields(req), answered: status }, known.message);
    if (status === 503) res.set('Retry-After', String(RETRY_AFTER_SECONDS));

    if (status === 401 && !isApiPath(req.path)) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(req.method === 'GET' ? 302 : 303, `/login${next}`);
    }
    if (known instanceof TooManyRequestsError && known.retryAfterSeconds !== undefined) res.set('Retry-After', String(known.retryAfterSeconds));
    const message = known?.message ?? `The server could not complete your request. If it happens again, tell SECAS and quote reference ${requestId}.`;
    if (wantsJson(req)) {
      if (status === 401) res.set('WWW-Authenticate', 'Bearer');
      const body: ApiError = { error: { code: known?.code ?? 'internal', message, fields: known?.fields ?? [], requestId } };
      return res.status(status).json(body);
    }
    try {
      pages.page(req, res, 'error', { title: TITLES[status] ?? 'Error', status, message, fields: known?.fields ?? [] }, status);
    } catch (renderErr) {
      logger.error({ err: renderErr }, 'error page failed to render');
      res.status(status).type('text').send(`${status} ${message}`);
    }
  };
}
