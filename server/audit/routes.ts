// The audit log page for SECAS: newest first, a page of entries at a time.
import type { Knex } from 'knex';
import { listAudit } from '../../db/queries/audit.ts';
import { allow, type Routes } from '../auth/access.ts';
import type { PageRenderer } from '../http/render.ts';

const PAGE_SIZE = 100;

export function registerAuditRoutes(routes: Routes, deps: { knex: Knex; pages: PageRenderer }): void {
  routes.get('/audit', allow('secas'), async (req, res) => {
    const before = Number(req.query.before);
    const rows = await listAudit(deps.knex, { limit: PAGE_SIZE + 1, beforeId: Number.isInteger(before) && before > 0 ? before : undefined });
    const entries = rows.slice(0, PAGE_SIZE).map((row) => ({
      ...row,
      changes: [row.before ? `before: ${row.before}` : null, row.after ? `after: ${row.after}` : null].filter(Boolean).join('\n'),
    }));
    const older = rows.length > PAGE_SIZE ? entries[entries.length - 1]?.id : undefined;
    deps.pages.page(req, res, 'audit', { title: 'Audit log', entries, older });
  });
}
