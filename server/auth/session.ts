// Sessions for people who have logged in, kept in the database so several instances can share
// them. Nobody else has one: the login form's CSRF token lives in a cookie (csrf.ts), so an
// anonymous visitor writes no row and is sent no session cookie.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { sign } from 'cookie-signature';
import type { Knex } from 'knex';
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
    isApiPath(req.path)
      ? next()
      : middleware(req, res, (err?: unknown) => {
          if (err !== undefined) return next(err);
          storeBeforeRedirect(req, res, next);
          renew(req, res, next);
        });
}

/**
 * express-session stores a changed session as the response ends, but sends the headers first (it
 * holds back only the body's last byte), and a browser follows a redirect as soon as it has the
 * headers: on MySQL the next page was sometimes read with the session as it had been, its flash
 * message missing. So a logged-in session is stored before a redirect goes out. (On SQLite the
 * write ends before this process reads another request.) Should the store fail, the error page
 * (a 503 for a database that does not answer) goes out instead of the redirect.
 */
function storeBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = (...args: unknown[]): void => {
    const current = req.session;
    if (current?.accountId === undefined) return redirect(...args);
    current.save((err?: unknown) => (err ? next(err) : redirect(...args)));
  };
}

const RENEW_EVERY_MS = 60_000;
const SESSIONS_REMEMBERED = 10_000;
/** Marks a session whose expiry this request moves (a symbol: never stored, never hashed). */
const RENEWING = Symbol('renewing');

/**
 * A logged-in session stays alive for eight hours after it was last used: at most once a minute
 * per session (per instance), its cookie is sent again with a new expiry and the store's expiry
 * is moved to match (the store's touch moves it only for the sessions marked here). The cookie is
 * signed and written exactly as express-session writes it.
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
