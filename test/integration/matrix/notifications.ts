// Matrix rows for notifications: every person's own account page and e-mail choices; the outbox,
// resending and webhooks for SECAS alone. A webhook form sent empty is refused (422) once access is
// granted; the test call goes to a closed port and says so (303).
import type { MatrixArea } from './types.ts';

export const NOTIFICATIONS: MatrixArea = {
  seed: async ({ db }) => {
    const at = '2026-11-01 00:00:00.000';
    await db.knex('notification_outbox').insert({
      channel: 'email',
      event: 'job.failed',
      recipient: 'secas@example.org',
      payload: '{}',
      status: 'failed',
      attempts: 20,
      next_attempt_at: at,
      created_at: at,
      dedupe_key: 'matrix',
    });
    for (const url of ['http://127.0.0.1:9/test-hook', 'http://127.0.0.1:9/removed-hook'])
      await db.knex('webhooks').insert({ url, events: '["job.failed"]', secret: 'whsec_matrix', created_by: 'seed', created_at: at });
  },
  rows: [
    { method: 'GET', route: '/account', expect: { anonymous: 'login', secas: 200, panel: 200, dcc: 200 } },
    { method: 'POST', route: '/account/notifications', expect: { anonymous: 'login', secas: 303, panel: 303, dcc: 303 } },
    { method: 'GET', route: '/notifications', expect: { anonymous: 'login', secas: 200, panel: 403, dcc: 403 } },
    { method: 'POST', route: '/notifications/:id/resend', path: '/notifications/1/resend', expect: { anonymous: 'login', secas: 303, panel: 403, dcc: 403 } },
    { method: 'POST', route: '/notifications/webhooks', expect: { anonymous: 'login', secas: 422, panel: 403, dcc: 403 } },
    {
      method: 'POST',
      route: '/notifications/webhooks/:id/test',
      path: '/notifications/webhooks/1/test',
      expect: { anonymous: 'login', secas: 303, panel: 403, dcc: 403 },
    },
    {
      method: 'POST',
      route: '/notifications/webhooks/:id/remove',
      path: '/notifications/webhooks/2/remove',
      expect: { anonymous: 'login', secas: 303, panel: 403, dcc: 403 },
    },
  ],
};
