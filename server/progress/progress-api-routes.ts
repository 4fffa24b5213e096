// GET /api/v1/progress?asOf=YYYY-MM-DD (SPEC §6.2): the same JSON as `backfill progress --json`
// (SPEC §6.3), from the same service, for every role's systems; and one User's entry of it, with
// the snapshot it is from.
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import { NotFoundError } from '../errors.ts';
import type { Progress, UserProgress } from '../http/api-schemas.ts';
import type { RouteContext } from '../http/route-context.ts';
import { userIdRule } from '../programme/field-rules.ts';
import { parseAsOf, progressJsonAsOf } from './progress-service.ts';

export function registerProgressApiRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/api/v1/progress', allow(...ROLES), async (req, res) => {
    const body: Progress = await progressJsonAsOf(ctx.knex, parseAsOf(req.query.asOf, 'asOf'));
    res.json(body);
  });

  routes.get('/api/v1/progress/:userId', allow(...ROLES), async (req, res) => {
    const asOf = parseAsOf(req.query.asOf, 'asOf');
    const id = userIdRule(String(req.params.userId).trim());
    if (!id.ok) throw new NotFoundError(`There is no User ${JSON.stringify(req.params.userId)}: ${id.error}.`);
    const progress = await progressJsonAsOf(ctx.knex, asOf);
    const user = progress.users.find((u) => u.userId === id.value);
    if (progress.asOf === null || progress.snapshotId === null) {
      throw new NotFoundError(`There is no position for ${id.value} as of ${asOf}: no snapshot is on or before that date.`);
    }
    if (!user)
      throw new NotFoundError(`There is no position for ${id.value} as of ${asOf}: it is not in the Users register or in the snapshot of ${progress.asOf}.`);
    const body: UserProgress = { asOf: progress.asOf, snapshotId: progress.snapshotId, deadline: progress.deadline, user };
    res.json(body);
  });
}
