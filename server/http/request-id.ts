// Gives every request an id (the caller's X-Request-Id when it is sane, else a new UUID), echoes it
// in the response, and makes it available to logs, the audit log and error pages.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

const SANE = /^[\w.-]{1,64}$/;

export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && SANE.test(given) ? given : randomUUID();
  (req as { id?: unknown }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** The id requestId gave this request ('' outside a request that went through it). */
export function requestIdOf(req: Request): string {
  const id: unknown = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}
