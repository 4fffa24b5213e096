// /api/v1/me: lets a system check its bearer token (and see the role it carries) without side
// effects. The rest of /api/v1 lives beside what it serves (snapshots/api-routes.ts,
// progress/progress-api-routes.ts, reports/routes.ts).
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import type { Me } from './api-schemas.ts';

export function registerApiRoutes(routes: Routes): void {
  routes.get('/api/v1/me', allow(...ROLES), (req, res) => {
    const p = req.principal!;
    const body: Me = p.kind === 'token' ? { kind: 'token', name: p.name, role: p.role } : { kind: 'account', email: p.email, role: p.role };
    res.json(body);
  });
}
