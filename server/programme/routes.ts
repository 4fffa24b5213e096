// The programme's reference-data pages: settings (deadline, MAP register, holidays, declarations,
// allowances), the deadline page and the Users register.
import type { Routes } from '../auth/access.ts';
import type { RouteContext } from '../http/route-context.ts';
import { registerDeadlineRoutes } from './deadline-routes.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { registerUsersRoutes } from './users-routes.ts';

export function registerProgrammeRoutes(routes: Routes, ctx: RouteContext): void {
  registerSettingsRoutes(routes, ctx);
  registerDeadlineRoutes(routes, ctx);
  registerUsersRoutes(routes, ctx);
}
