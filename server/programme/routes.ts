// Programme reference-data pages, the deadline page and the progress API (issue 4). Registering
// GET /settings, /deadline and /users replaces the frame's placeholders for those sections.
import type { Routes } from '../auth/access.ts';
import type { RouteContext } from '../http/route-context.ts';
import { registerDeadlineRoutes } from './deadline-routes.ts';
import { registerProgressApiRoutes } from '../progress/progress-api-routes.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { registerUsersRoutes } from './users-routes.ts';

export function registerProgrammeRoutes(routes: Routes, ctx: RouteContext): void {
  registerSettingsRoutes(routes, ctx);
  registerDeadlineRoutes(routes, ctx);
  registerUsersRoutes(routes, ctx);
  registerProgressApiRoutes(routes, ctx);
}
