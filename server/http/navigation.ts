// The sections of the app in the order the navigation shows them. Who sees a link is not written
// here: it is read from the access rule the section's page was registered with, so a link is shown
// exactly to those the page admits.
import { isAllowed, type RouteInfo } from '../auth/access.ts';
import type { Principal } from '../auth/roles.ts';

export const SECTIONS: ReadonlyArray<{ path: string; title: string }> = [
  { path: '/', title: 'Overview' },
  { path: '/snapshots', title: 'Snapshots' },
  { path: '/reports', title: 'Reports' },
  { path: '/deadline', title: 'Deadline' },
  { path: '/users', title: 'Users' },
  { path: '/settings', title: 'Settings' },
  { path: '/audit', title: 'Audit log' },
  { path: '/jobs', title: 'Job runs' },
  { path: '/notifications', title: 'Notifications' },
];

export interface NavItem {
  path: string;
  title: string;
  current: boolean;
}

export function navigationFor(principal: Principal | undefined, currentPath: string, routes: readonly RouteInfo[]): NavItem[] {
  if (!principal) return [];
  return SECTIONS.filter((s) => {
    const page = routes.find((r) => r.method === 'get' && r.path === s.path);
    return page !== undefined && isAllowed(page.access, principal.role);
  }).map((s) => ({
    path: s.path,
    title: s.title,
    current: s.path === '/' ? currentPath === '/' : currentPath === s.path || currentPath.startsWith(`${s.path}/`),
  }));
}
