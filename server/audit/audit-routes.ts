// The audit log page for SECAS: newest first, a page of entries at a time.
import type { Knex } from 'knex';
import { countAudit, listAudit } from '../../db/queries/audit.ts';
import { allow, type Routes } from '../auth/access.ts';
import { pageHrefs, paginationView, pageWindow } from '../http/pagination.ts';
import type { PageRenderer } from '../http/render.ts';

export function registerAuditRoutes(routes: Routes, deps: { knex: Knex; pages: PageRenderer }): void {
  routes.get('/audit', allow('secas'), async (req, res) => {
    const window = pageWindow(req.query.page, await countAudit(deps.knex));
    const rows = await listAudit(deps.knex, { limit: window.size, offset: window.offset });
    const entries = rows.map((row) => ({
      ...row,
      changes: [row.before ? `before: ${row.before}` : null, row.after ? `after: ${row.after}` : null].filter(Boolean).join('\n'),
    }));
    deps.pages.page(req, res, 'audit', { title: 'Audit log', entries, pagination: paginationView(window, 'Pages of the audit log', pageHrefs(req, '/audit')) });
  });
}
