// Snapshot pages and API (issue 3): list, upload, import results, outstanding-device export.
import type { Routes } from '../auth/access.ts';
import type { RouteContext } from '../http/route-context.ts';

export function registerSnapshotRoutes(_routes: Routes, _ctx: RouteContext): void {
  // Filled by issue 3. Until then the frame shows the /snapshots placeholder.
}
