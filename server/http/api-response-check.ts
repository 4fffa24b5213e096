// Checks every /api/v1 answer against the OpenAPI description as it is sent, for the tests: the
// test server passes a `report` and fails when any answer did not match (test/helpers/test-server.ts),
// so every API call any test makes is checked, whichever client made it. Off in production.
import type { RequestHandler } from 'express';
import { responseProblems } from './openapi.ts';

export type ApiMismatchReport = (problems: string[]) => void;

export function checkApiResponses(report: ApiMismatchReport): RequestHandler {
  return (req, res, next) => {
    // The API in any letter case, as Express routes it (paths.ts); /api/docs is a page.
    if (!req.path.toLowerCase().startsWith('/api/v1/')) return next();
    let checked = false;
    const route = (): string | undefined => (req.route as { path?: string } | undefined)?.path;
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      checked = true;
      // What goes on the wire, not the object in hand (dates become strings, undefined keys go).
      const wire: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
      const problems = responseProblems(req.method, route(), res.statusCode, { json: wire });
      if (problems.length) report(problems);
      return send(body);
    };
    res.on('finish', () => {
      if (checked || req.method === 'HEAD') return;
      const contentType = String(res.getHeader('content-type') ?? '');
      const problems = responseProblems(req.method, route(), res.statusCode, { contentType });
      if (problems.length) report(problems);
    });
    next();
  };
}
