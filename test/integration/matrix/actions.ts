// Matrix rows for the enforcement trail: every role reads it (the User page, the CSV, the API);
// SECAS alone adds to it. The User page is the dashboard's row. A form or JSON body sent empty is
// refused once access is granted (422 for the form, 400 for a body that is not JSON).
import type { MatrixArea } from './types.ts';

const USER = '90-B3-D5-1F-30-01-00-0D';

export const ACTIONS: MatrixArea = {
  rows: [
    { method: 'POST', route: '/users/:userId/actions', path: `/users/${USER}/actions`, expect: { anonymous: 'login', secas: 422, panel: 403, dcc: 403 } },
    { method: 'GET', route: '/actions.csv', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 200 } },
    { method: 'GET', route: '/api/v1/actions', expect: { anonymous: 401, secas: 200, panel: 200, dcc: 200 } },
    { method: 'POST', route: '/api/v1/actions', expect: { anonymous: 401, secas: 400, panel: 403, dcc: 403 } },
  ],
};
