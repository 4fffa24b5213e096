// Sessions for people, kept in the database so several instances can share them, and the CSRF
// token every form carries (synchroniser token stored in the session).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { sign } from 'cookie-signature';
import { csrfSync } from 'csrf-sync';
import type { Knex } from 'knex';
import { CsrfError } from '../http/errors.ts';
import { isApiPath } from '../http/paths.ts';
import { DatabaseSessionStore } from './session-store.ts';

const EIGHT_HOURS = 8 * 60 * 60 * 1000;

export interface SessionOptions {
  secret: string;
  secureCookies: boolean;
}

const COOKIE_NAME = 'bfm.sid';

/** The session middleware for pages (expired rows are swept by sweeper.ts). */
export function createSessions(knex: Knex, options: SessionOptions): RequestHandler {
  const store = new DatabaseSessionStore(knex, (sess) => (sess as unknown as Record<symbol, boolean | undefined>)[RENEWING] === true);
  const middleware = session({
    name: COOKIE_NAME,
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    // Sliding expiry is renewal() below: express-session's `rolling` re-signs and re-sends the cookie
    // with every response, about a tenth of a dashboard request's CPU (bench:web).
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: EIGHT_HOURS },
  });
  const renew = renewal(options.secret);
  // API requests authenticate with bearer tokens, never cookies: no session for them.
  return (req, res, next) =>
    isApiPath(req.path) ? next() : middleware(req, res, (err?: unknown) => (err === undefined ? renew(req, res, next) : next(err)));
}

const RENEW_EVERY_MS = 60_000;
const SESSIONS_REMEMBERED = 10_000;
/** Marks a session whose expiry this request moves (a symbol: never stored, never hashed). */
const RENEWING = Symbol('renewing');

/**
 * A logged-in session stays alive for eight hours after it was last used: at most once a minute
 * per session (per instance), its cookie is sent again with a new expiry and the store's expiry
 * is moved to match (the store's touch moves it only for the sessions marked here). The cookie is signed and written exactly as express-session writes it.
 * Sessions nobody has logged in to (a login form's CSRF token) end eight hours after they began.
 */
function renewal(secret: string): RequestHandler {
  const lastRenewed = new Map<string, number>();
  return (req, res, next) => {
    const current = req.session;
    if (current?.accountId === undefined) return next();
    const now = Date.now();
    const last = lastRenewed.get(req.sessionID);
    if (last !== undefined && now - last < RENEW_EVERY_MS) return next();
    lastRenewed.delete(req.sessionID);
    lastRenewed.set(req.sessionID, now);
    if (lastRenewed.size > SESSIONS_REMEMBERED) lastRenewed.delete(lastRenewed.keys().next().value!);
    current.touch();
    (current as unknown as Record<symbol, boolean>)[RENEWING] = true;
    // Cookie#serialize is express-session's own (public, but not in its type definitions).
    const cookie = current.cookie as unknown as { serialize(name: string, value: string): string };
    res.append('Set-Cookie', cookie.serialize(COOKIE_NAME, `s:${sign(req.sessionID, secret)}`));
    next();
  };
}

export interface Csrf {
  /** Refuses unsafe requests to pages whose token does not match the session's. */
  protect: RequestHandler;
  tokenFor: (req: Request) => string;
}

export function createCsrf(): Csrf {
  const { isRequestValid, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      if (typeof body?._csrf === 'string') return body._csrf;
      const header = req.get('x-csrf-token');
      if (header) return header;
      // A streamed multipart upload cannot be read for a token before it is handled, so a form
      // without JavaScript carries it in its action URL.
      const query = req.query._csrf;
      return req.is('multipart/form-data') && typeof query === 'string' ? query : undefined;
    },
  });
  const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
  return {
    protect: (req: Request, _res: Response, next: NextFunction) => {
      if (SAFE.has(req.method) || isApiPath(req.path)) return next();
      if (!req.session || !isRequestValid(req)) return next(new CsrfError());
      next();
    },
    tokenFor: (req) => generateToken(req),
  };
}
