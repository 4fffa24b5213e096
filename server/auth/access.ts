// Authorisation. Every route states who may call it when it is registered (Routes below); the app
// refuses to start if any route reached Express without a rule, so none can be forgotten.
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import type { Role } from './roles.ts';

export type Access = { public: true } | { roles: readonly Role[] };

/** Anyone, logged in or not (login page, health check, static assets). */
export const PUBLIC: Access = { public: true };

export function allow(...roles: Role[]): Access {
  if (roles.length === 0) throw new Error('allow() needs at least one role');
  return { roles };
}

export function isAllowed(access: Access, role: Role | undefined): boolean {
  if ('public' in access) return true;
  return role !== undefined && access.roles.includes(role);
}

const ACCESS_RULE = Symbol('access-rule');
type Guard = RequestHandler & { [ACCESS_RULE]: Access };

function guard(access: Access): Guard {
  const handler = (req: Request, _res: Response, next: NextFunction): void => {
    if ('public' in access) return next();
    if (!req.principal) return next(new UnauthenticatedError());
    if (!access.roles.includes(req.principal.role)) return next(new ForbiddenError());
    next();
  };
  return Object.assign(handler, { [ACCESS_RULE]: access });
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInfo {
  method: Method;
  path: string;
  access: Access;
}

/** Registers routes on the app, each with its access rule as the first handler. */
export class Routes {
  readonly list: RouteInfo[] = [];

  constructor(private readonly app: Express) {}

  add(method: Method, path: string, access: Access, ...handlers: RequestHandler[]): void {
    this.list.push({ method, path, access });
    this.app[method](path, guard(access), ...handlers);
  }

  get(path: string, access: Access, ...handlers: RequestHandler[]): void {
    this.add('get', path, access, ...handlers);
  }

  post(path: string, access: Access, ...handlers: RequestHandler[]): void {
    this.add('post', path, access, ...handlers);
  }
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: Layer[] };
}

/** Throws naming every route whose first handler is not an access guard. */
export function assertEveryRouteHasAccessRule(app: Express): void {
  const missing: string[] = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        const first = layer.route.stack[0]?.handle as Partial<Guard> | undefined;
        if (!first || !first[ACCESS_RULE]) {
          missing.push(`${Object.keys(layer.route.methods).join(',').toUpperCase()} ${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  if (missing.length) throw new Error(`Routes without an access rule (register them through Routes): ${missing.join('; ')}`);
}
