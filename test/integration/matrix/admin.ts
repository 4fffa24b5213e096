// Matrix rows for the accounts and API tokens pages (issue 6). Written by hand from SPEC §2: only
// SECAS manages accounts and tokens; the Panel and the DCC get 403 on every route, pages and forms
// alike. Once access is granted, an empty add or role form is refused (422); disabling, enabling
// and revoking redirect (303); a password reset answers with the new password itself (200).
// The seeded account and token (id 40) are the ones acted on, so the role accounts and tokens the
// other checks log in with are never touched.
import { addAccount } from '../../../server/auth/accounts.ts';
import { createApiToken } from '../../../server/auth/tokens.ts';
import type { MatrixArea, MatrixRow, Outcome, Who } from './types.ts';

const SECAS_PAGE: Record<Who, Outcome> = { anonymous: 'login', secas: 200, panel: 403, dcc: 403 };
const secasGets = (secas: Outcome): Record<Who, Outcome> => ({ anonymous: 'login', secas, panel: 403, dcc: 403 });

const post = (route: string, secas: Outcome, path?: string): MatrixRow => ({ method: 'POST', route, path, expect: secasGets(secas) });

const SYSTEM = { kind: 'system', name: 'matrix seed' } as const;
const TARGET = 40;

export const ADMIN: MatrixArea = {
  seed: async ({ db }) => {
    const { account } = await addAccount(db.knex, { email: 'matrix-target@example.org', role: 'panel', password: 'matrix target password' }, SYSTEM);
    await db.knex('accounts').where({ id: account.id }).update({ id: TARGET });
    const { row } = await createApiToken(db.knex, { name: 'matrix target', role: 'dcc' }, SYSTEM);
    await db.knex('api_tokens').where({ id: row.id }).update({ id: TARGET });
  },
  rows: [
    { method: 'GET', route: '/settings/accounts', expect: SECAS_PAGE },
    post('/settings/accounts', 422),
    post('/settings/accounts/:id/role', 422, `/settings/accounts/${TARGET}/role`),
    post('/settings/accounts/:id/disable', 303, `/settings/accounts/${TARGET}/disable`),
    post('/settings/accounts/:id/enable', 303, `/settings/accounts/${TARGET}/enable`),
    post('/settings/accounts/:id/password', 200, `/settings/accounts/${TARGET}/password`),
    { method: 'GET', route: '/settings/tokens', expect: SECAS_PAGE },
    post('/settings/tokens', 422),
    post('/settings/tokens/:id/revoke', 303, `/settings/tokens/${TARGET}/revoke`),
  ],
};
