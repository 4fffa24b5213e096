// Sessions for people, kept in the database so several instances can share them, and the CSRF
// token every form carries (synchroniser token stored in the session).
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { csrfSync } from 'csrf-sync';
import type { Knex } from 'knex';
import type { Logger } from '../logger.ts';
import { CsrfError } from '../http/errors.ts';
import { isApiPath } from '../http/paths.ts';

const EIGHT_HOURS = 8 * 60 * 60 * 1000;
const SWEEP_EVERY_MS = 15 * 60 * 1000;

export interface Sessions {
  middleware: RequestHandler;
  /** Stops the expired-session sweeper. */
  close: () => void;
}

export function createSessions(knex: Knex, options: { secret: string; secureCookies: boolean; logger: Logger }): Sessions {
  // The store's own sweeper starts a query the moment it is built and outlives the app; ours is
  // started and stopped with the app.
  const store = new ConnectSessionKnexStore({
    knex,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: 0,
    onDbCleanupError: (err: unknown) => options.logger.warn({ err }, 'could not sweep expired sessions'),
  });
  throttleTouches(store);
  // dbCleanup is the store's own dialect-aware delete of expired rows; with cleanupInterval 0 it
  // runs only when we call it.
  const sweep = (store as unknown as { dbCleanup(): Promise<void> }).dbCleanup.bind(store);
  const sweeper = setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
  const middleware = session({
    name: 'bfm.sid',
    secret: options.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: EIGHT_HOURS },
  });
  // API requests authenticate with bearer tokens, never cookies: no session for them.
  const forPages: RequestHandler = (req, res, next) => (isApiPath(req.path) ? next() : middleware(req, res, next));
  return {
    middleware: forPages,
    close: () => clearInterval(sweeper),
  };
}

const TOUCH_EVERY_MS = 60_000;
const TOUCHES_REMEMBERED = 10_000;

/**
 * express-session moves a session's expiry on every request, which would make every page view a
 * database write. A session's expiry only needs moving now and then: this instance writes it at
 * most once a minute per session (any instance may; each keeps its own memory of when it did).
 */
function throttleTouches(store: ConnectSessionKnexStore): void {
  const touch = store.touch.bind(store);
  const lastTouched = new Map<string, number>();
  store.touch = async (sid, session, callback) => {
    const now = Date.now();
    const last = lastTouched.get(sid);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) {
      callback?.();
      return;
    }
    lastTouched.delete(sid);
    lastTouched.set(sid, now);
    if (lastTouched.size > TOUCHES_REMEMBERED) lastTouched.delete(lastTouched.keys().next().value!);
    await touch(sid, session, callback);
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
