// The CSRF token every form carries: a signed double-submit token (csrf-csrf). The browser keeps the
// token in a cookie and sends it back with the form; the server stores nothing, so an anonymous
// visitor's login form needs no session row. A logged-in person's token is signed with their session
// id, so it stops working when the session ends, and another browser's token never matches theirs.
import { createHmac } from 'node:crypto';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler, Response } from 'express';
import { CsrfError } from '../errors.ts';
import { isApiPath } from '../http/paths.ts';

export interface Csrf {
  /** Reads the request's cookies, the token's among them; mount after the sessions, before `protect`. */
  cookies: RequestHandler;
  /** Refuses unsafe requests to pages that do not send back the token their cookie holds. */
  protect: RequestHandler;
  /** The token for this browser's forms: the one it holds while that is still good, else a new one. */
  tokenFor: (req: Request, res: Response) => string;
}

export interface CsrfOptions {
  /** The session secret; the tokens are signed with a key made from it for this use only. */
  secret: string;
  secureCookies: boolean;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOKENS_REMEMBERED = 10_000;

/**
 * What a token is signed with: a logged-in request's session id; for anonymous requests one shared
 * identifier, as nothing about an anonymous browser is stored (its token is still its own: random,
 * and compared with its cookie).
 */
function boundTo(req: Request): string {
  return req.session?.accountId !== undefined ? req.sessionID : '';
}

export function createCsrf(options: CsrfOptions): Csrf {
  const key = createHmac('sha256', options.secret).update('bfm csrf tokens').digest('base64url');
  // Over HTTPS the __Host- prefix means only this host may set the cookie: a sibling subdomain
  // cannot plant a token of its own choosing beside a login form.
  const cookieName = options.secureCookies ? '__Host-bfm.csrf' : 'bfm.csrf';
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => key,
    getSessionIdentifier: boundTo,
    cookieName,
    // Lax like the session cookie: a link from an e-mail still brings the cookie along, so a form open
    // in another tab keeps working; a cross-site POST never carries it.
    cookieOptions: { sameSite: 'lax', secure: options.secureCookies, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => {
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
  const parse = cookieParser();
  /** Tokens this instance made or found good, with what they are bound to. */
  const checked = new Map<string, string>();
  return {
    // API requests authenticate with bearer tokens, never cookies.
    cookies: (req, res, next) => (isApiPath(req.path) ? next() : parse(req, res, next)),
    protect: (req, _res, next) => {
      if (SAFE.has(req.method) || isApiPath(req.path)) return next();
      next(validateRequest(req) ? undefined : new CsrfError());
    },
    tokenFor: (req, res) => {
      const cookies = req.cookies as Record<string, string | undefined>;
      const held = cookies[cookieName];
      // Checking the held token's signature is most of a token's cost (about 5 µs), paid on every
      // page: a token once checked for its session is known good until forgotten.
      if (held !== undefined && checked.get(held) === boundTo(req)) return held;
      const before = res.getHeader('Set-Cookie');
      const token = generateCsrfToken(req, res);
      // csrf-csrf sets the cookie again with every token it gives, even the one the browser holds;
      // it is sent only when new, so pages do not carry a Set-Cookie on every response.
      if (token === held) {
        if (before === undefined) res.removeHeader('Set-Cookie');
        else res.setHeader('Set-Cookie', before);
      } else {
        // Held from now on, so a second form on this response gets the same token.
        cookies[cookieName] = token;
      }
      if (checked.size >= TOKENS_REMEMBERED) checked.delete(checked.keys().next().value!);
      checked.set(token, boundTo(req));
      return token;
    },
  };
}
