// Programme reference-data pages and the progress API (issue 4).
import type { Routes } from '../auth/access.ts';
import type { RouteContext } from '../http/route-context.ts';

export function registerProgrammeRoutes(_routes: Routes, _ctx: RouteContext): void {
  // Filled by issue 4. Until then the frame shows the placeholders.
}
