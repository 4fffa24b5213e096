// The HTTP API for systems (/api/v1, bearer tokens, JSON). Later issues add snapshots, progress
// and reports here; /api/v1/me lets a system check its token without side effects.
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';

export function registerApiRoutes(routes: Routes): void {
  routes.get('/api/v1/me', allow(...ROLES), (req, res) => {
    const p = req.principal!;
    res.json(p.kind === 'token' ? { kind: 'token', name: p.name, role: p.role } : { kind: 'account', email: p.email, role: p.role });
  });
}
