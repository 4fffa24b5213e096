// Matrix rows for the dashboard (issue 6): the overview is the frame's row; a User's page is open
// to every role (SPEC §2: the Panel sees every User's progress), with data to show; so are the overview's CSV
// and the help page of definitions the figures follow.
import { insertSnapshot } from '../programme-fixtures.ts';
import { ALL, type MatrixArea } from './types.ts';

export const DASHBOARD: MatrixArea = {
  seed: async ({ db }) => {
    await insertSnapshot(db.knex, '2026-08-14', { '90-B3-D5-1F-30-01-00-0D': { esme: [100, 10] } });
  },
  rows: [
    { method: 'GET', route: '/users/:userId', path: '/users/90-B3-D5-1F-30-01-00-0D', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 200 } },
    // The overview's table as CSV: for whoever reads the overview.
    { method: 'GET', route: '/overview.csv', path: '/overview.csv?rag=RED', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 200 } },
    { method: 'GET', route: '/help/definitions', expect: ALL },
  ],
};
