// Matrix rows for the programme reference-data and progress routes (issue 4). Written by hand from
// SPEC §2: SECAS changes settings, holidays, the MAP register, the deadline and the Users register;
// the DCC (and SECAS) records declarations and allowances and sees the register; the Panel sees
// the deadline page; every role's systems read /api/v1/progress (and /api/v1/progress/{userId});
// the DCC's and SECAS's systems record and read declarations and allowances on /api/v1. GET /settings, /deadline and
// /users are the frame's rows. A form sent empty is refused (422) once access is granted; an empty
// settings form changes nothing and redirects (303).
import { setDeadline } from '../../../server/programme/deadline.ts';
import { importUsers } from '../../../server/programme/users-register.ts';
import { insertSnapshot } from '../programme-fixtures.ts';
import type { MatrixArea, MatrixRow, Outcome, Who } from './types.ts';

const SECAS_ONLY_FORM: Record<Who, Outcome> = { anonymous: 'login', secas: 422, panel: 403, dcc: 403 };
const RECORDERS_FORM: Record<Who, Outcome> = { anonymous: 'login', secas: 422, panel: 403, dcc: 422 };
const SECAS_PAGE: Record<Who, Outcome> = { anonymous: 'login', secas: 200, panel: 403, dcc: 403 };
const RECORDERS_PAGE: Record<Who, Outcome> = { anonymous: 'login', secas: 200, panel: 403, dcc: 200 };
const RECORDERS_API: Record<Who, Outcome> = { anonymous: 401, secas: 200, panel: 403, dcc: 200 };
const RECORDERS_API_EMPTY_POST: Record<Who, Outcome> = { anonymous: 401, secas: 415, panel: 403, dcc: 415 };
const DEADLINE_VIEWERS: Record<Who, Outcome> = { anonymous: 'login', secas: 200, panel: 200, dcc: 403 };

const post = (route: string, expect: Record<Who, Outcome>): MatrixRow => ({ method: 'POST', route, expect });
const get = (route: string, expect: Record<Who, Outcome>): MatrixRow => ({ method: 'GET', route, expect });

const SYSTEM = { kind: 'system', name: 'matrix seed' } as const;

export const PROGRAMME: MatrixArea = {
  // Data for the pages to render: a named User, one found only in a snapshot, a deadline.
  seed: async ({ db }) => {
    await importUsers(db.knex, Buffer.from('user_id,name\n90-B3-D5-1F-30-01-00-0A,Alpha Energy\n'), 'users.csv', SYSTEM);
    await insertSnapshot(db.knex, '2026-08-28', { '90-B3-D5-1F-30-01-00-0A': { esme: [100, 10] }, '90-B3-D5-1F-30-01-00-0B': { gsme: [50, 0] } });
    await setDeadline(db.knex, { deadline: '2027-03-31', decided_on: '2026-08-01', reason: 'Matrix seed' }, SYSTEM);
  },
  rows: [
    post('/settings', { anonymous: 'login', secas: 303, panel: 403, dcc: 403 }),
    get('/settings/export.csv', SECAS_PAGE),
    post('/settings/import', SECAS_ONLY_FORM),
    get('/settings/holidays', SECAS_PAGE),
    post('/settings/holidays', SECAS_ONLY_FORM),
    post('/settings/holidays/remove', SECAS_ONLY_FORM),
    post('/settings/holidays/import', SECAS_ONLY_FORM),
    get('/settings/holidays/export.csv', SECAS_PAGE),
    get('/settings/map-register', SECAS_PAGE),
    post('/settings/map-register', SECAS_ONLY_FORM),
    post('/settings/map-register/remove', SECAS_ONLY_FORM),
    post('/settings/map-register/import', SECAS_ONLY_FORM),
    // Queues a recount (or says there is nothing to recount) and goes back to the register.
    post('/settings/map-register/recount', { anonymous: 'login', secas: 303, panel: 403, dcc: 403 }),
    get('/settings/map-register/export.csv', SECAS_PAGE),
    post('/deadline', SECAS_ONLY_FORM),
    get('/deadline/export.csv', DEADLINE_VIEWERS),
    post('/deadline/import', SECAS_ONLY_FORM),
    post('/users', SECAS_ONLY_FORM),
    post('/users/import', SECAS_ONLY_FORM),
    get('/users/export.csv', RECORDERS_PAGE),
    get('/users/declarations', RECORDERS_PAGE),
    post('/users/declarations', RECORDERS_FORM),
    post('/users/declarations/remove', RECORDERS_FORM),
    post('/users/declarations/import', RECORDERS_FORM),
    get('/users/declarations/export.csv', RECORDERS_PAGE),
    get('/users/allowances', RECORDERS_PAGE),
    post('/users/allowances', RECORDERS_FORM),
    post('/users/allowances/remove', RECORDERS_FORM),
    post('/users/allowances/import', RECORDERS_FORM),
    get('/users/allowances/export.csv', RECORDERS_PAGE),
    get('/api/v1/progress', { anonymous: 401, secas: 200, panel: 200, dcc: 200 }),
    {
      method: 'GET',
      route: '/api/v1/progress/:userId',
      path: '/api/v1/progress/90-B3-D5-1F-30-01-00-0A?asOf=2026-09-30',
      expect: { anonymous: 401, secas: 200, panel: 200, dcc: 200 },
    },
    // The DCC's API for what it records, with the pages' roles; an empty POST is neither JSON nor CSV (415).
    get('/api/v1/declarations', RECORDERS_API),
    post('/api/v1/declarations', RECORDERS_API_EMPTY_POST),
    get('/api/v1/allowances', RECORDERS_API),
    post('/api/v1/allowances', RECORDERS_API_EMPTY_POST),
  ],
};
