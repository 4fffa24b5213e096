// GET /api/v1/progress?asOf=YYYY-MM-DD (SPEC §6.2): the same JSON as `backfill progress --json`
// (SPEC §6.3), from the same service, for every role's systems.
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import type { RouteContext } from '../http/route-context.ts';
import { parseAsOf, progressJsonAsOf } from './progress-service.ts';

export function registerProgressApiRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/api/v1/progress', allow(...ROLES), async (req, res) => {
    res.json(await progressJsonAsOf(ctx.knex, parseAsOf(req.query.asOf, 'asOf')));
  });
}
