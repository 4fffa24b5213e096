// The audit log page for SECAS: newest first, a page of entries at a time, filtered by who, what
// and when (a GET form, so a filtered list can be bookmarked and paged), each entry's change shown
// as the fields it changed.
import type { Knex } from 'knex';
import { auditActions, countAudit, listAudit } from '../../db/queries/audit.ts';
import { allow, type Routes } from '../auth/access.ts';
import { pageHrefs, paginationView, pageWindow } from '../http/pagination.ts';
import type { PageRenderer } from '../http/render.ts';
import { auditDiff } from './audit-diff.ts';
import { auditKinds, readAuditFilter } from './audit-filter.ts';

const AUDIT_STYLES = ['audit.css'];

export function registerAuditRoutes(routes: Routes, deps: { knex: Knex; pages: PageRenderer }): void {
  routes.get('/audit', allow('secas'), async (req, res) => {
    const kinds = auditKinds(await auditActions(deps.knex));
    const read = readAuditFilter(req.query, kinds);
    const kindOptions = kinds.map((kind) => ({ value: kind, selected: kind === read.query.what }));
    const filtering = Object.values(read.query).some((value) => value !== '');
    if (!read.ok) {
      const errors = Object.entries(read.errors).map(([name, message]) => ({ field: name, message, href: `#audit-${name}` }));
      deps.pages.page(
        req,
        res,
        'audit',
        { title: 'Audit log', styles: AUDIT_STYLES, query: read.query, kinds: kindOptions, filtering, errors, fieldErrors: read.errors, entries: [] },
        400,
      );
      return;
    }
    const window = pageWindow(req.query.page, await countAudit(deps.knex, read.filter));
    const rows = await listAudit(deps.knex, { limit: window.size, offset: window.offset, filter: read.filter });
    const entries = rows.map((row) => ({ ...row, changes: auditDiff(row.before, row.after) }));
    deps.pages.page(req, res, 'audit', {
      title: 'Audit log',
      styles: AUDIT_STYLES,
      query: read.query,
      kinds: kindOptions,
      filtering,
      entries,
      pagination: paginationView(window, 'Pages of the audit log', pageHrefs(req, '/audit')),
    });
  });
}
