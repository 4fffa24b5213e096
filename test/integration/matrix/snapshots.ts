// Matrix rows for the snapshot routes (issue 3). Written by hand from SPEC §2: SECAS and the DCC
// upload snapshots and see import results, on the pages and (with a token) the API; only SECAS
// downloads a User's outstanding devices; the Panel sees none of it. GET /snapshots is the
// frame's row. Once access is granted, a form body sent to the page's upload is refused (415: the
// upload is multipart), and the API's empty POST is refused as a file (422: no as-of date).
import { ingestSnapshot } from '../../../server/snapshots/ingest/ingest-snapshot.ts';
import type { MatrixArea, Outcome, Who } from './types.ts';

const PAGES: Record<Who, Outcome> = { anonymous: 'login', secas: 200, panel: 403, dcc: 200 };
const API: Record<Who, Outcome> = { anonymous: 401, secas: 200, panel: 403, dcc: 200 };

export const SNAPSHOTS: MatrixArea = {
  // Snapshot 1 (the first in a fresh database), with one outstanding meter of User …0A.
  seed: async ({ db, dataDir }) => {
    const file =
      'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n' +
      '00-1B-C5-0C-00-00-00-01,ESME,Commissioned,90-B3-D5-1F-30-01-00-0A,,2017-05-01\n';
    const outcome = await ingestSnapshot(
      { knex: db.knex, dataDir },
      {
        source: 'cli',
        fileName: 'matrix-20260831.csv',
        actor: { kind: 'system', name: 'matrix seed' },
        bytes: { kind: 'stream', chunks: [Buffer.from(file)] },
      },
    );
    if (outcome.snapshotId !== 1) throw new Error(`the matrix seed expected snapshot 1, got ${JSON.stringify(outcome)}`);
  },
  rows: [
    { method: 'POST', route: '/snapshots', expect: { anonymous: 'login', secas: 415, panel: 403, dcc: 415 } },
    { method: 'GET', route: '/snapshots/import-progress', expect: PAGES },
    { method: 'GET', route: '/snapshots/:id', path: '/snapshots/1', expect: PAGES },
    {
      method: 'GET',
      route: '/snapshots/:id/outstanding.csv',
      path: '/snapshots/1/outstanding.csv?user=90-B3-D5-1F-30-01-00-0A',
      expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 403 },
    },
    // The DCC fixes refused extracts from it, and SECAS helps: both; the Panel sees no snapshot detail.
    { method: 'GET', route: '/snapshots/imports/:importId/rejected.csv', path: '/snapshots/imports/1/rejected.csv', expect: PAGES },
    { method: 'POST', route: '/api/v1/snapshots', expect: { anonymous: 401, secas: 422, panel: 403, dcc: 422 } },
    { method: 'GET', route: '/api/v1/snapshots', expect: API },
    { method: 'GET', route: '/api/v1/snapshots/:id', path: '/api/v1/snapshots/1', expect: API },
  ],
};
