// Matrix rows for the report routes (issue 5). Written by hand from SPEC §2: SECAS sees and manages
// every version; the Panel sees published ones only (a draft is "not found" to it); the DCC none.
import type { MatrixArea } from './types.ts';

const pdf = Buffer.from('%PDF-1.4\n% matrix seed\n');

export const REPORTS: MatrixArea = {
  seed: async ({ db }) => {
    const [snapshotId] = await db.knex('snapshots').insert({
      as_of: '2026-09-30',
      sha256: 'c'.repeat(64),
      file_name: 'seed.csv',
      byte_size: 1,
      gzip: false,
      archive_path: 'x',
      rows: 1,
      accepted: 1,
      rejected: 0,
      source: 'cli',
      uploaded_by: 'seed',
      imported_at: '2026-10-01 00:00:00.000',
    });
    const base = {
      snapshot_id: snapshotId,
      snapshot_sha256: 'c'.repeat(64),
      as_of: '2026-09-30',
      pdf,
      pdf_sha256: 'd'.repeat(64),
      pages: 1,
      csv: 'user_id\n',
      generated_by: 'seed',
      generated_at: '2026-10-07 06:00:00.000',
    };
    // Ids 1, 2, 3 in a fresh database.
    await db.knex('reports').insert({ ...base, month: '2026-09', version: 1, status: 'draft' });
    await db.knex('reports').insert({
      ...base,
      month: '2026-09',
      version: 2,
      status: 'published',
      published_month: '2026-09',
      published_by: 'seed',
      published_at: '2026-10-08 09:00:00.000',
    });
    await db.knex('reports').insert({ ...base, month: '2026-10', version: 1, status: 'draft' });
  },
  rows: [
    { method: 'GET', route: '/reports', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 403 } },
    // An empty month is refused (422) once access is granted.
    { method: 'POST', route: '/reports/generate', expect: { anonymous: 'login', secas: 422, panel: 403, dcc: 403 } },
    // The page where SECAS writes a new draft's summary (a correction's, for a published month); a POST without "generate" previews.
    { method: 'GET', route: '/reports/:month/draft', path: '/reports/2026-09/draft', expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 403 } },
    { method: 'POST', route: '/reports/:month/draft', path: '/reports/2026-10/draft', expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 403 } },
    { method: 'POST', route: '/reports/:id/publish', path: '/reports/3/publish', expect: { anonymous: 'login', secas: 303, panel: 403, dcc: 403 } },
    { method: 'GET', route: '/reports/:id.pdf', path: '/reports/1.pdf', expect: { anonymous: 'login', secas: 200, panel: 404, dcc: 403 } },
    { method: 'GET', route: '/reports/:id.csv', path: '/reports/2.csv', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 403 } },
    { method: 'GET', route: '/api/v1/reports', expect: { anonymous: 401, secas: 200, panel: 200, dcc: 403 } },
    { method: 'GET', route: '/api/v1/reports/:id', path: '/api/v1/reports/1', expect: { anonymous: 401, secas: 200, panel: 404, dcc: 403 } },
    { method: 'GET', route: '/api/v1/reports/:id.pdf', path: '/api/v1/reports/2.pdf', expect: { anonymous: 401, secas: 200, panel: 200, dcc: 403 } },
  ],
};
