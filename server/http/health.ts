// GET /healthz (SPEC §7): 200 when the database answers, 503 otherwise — for load balancers and
// for tests that wait for the server.
import type { Knex } from 'knex';
import { PUBLIC, type Routes } from '../auth/access.ts';
import { databaseAnswers } from '../../db/health.ts';
import { RETRY_AFTER_SECONDS } from './error-handler.ts';
import { DatabaseUnavailableError } from '../errors.ts';

export function registerHealthRoute(routes: Routes, knex: Knex): void {
  routes.get('/healthz', PUBLIC, async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (await databaseAnswers(knex)) {
      res.json({ status: 'ok' });
    } else {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(503).json({ status: 'unavailable', reason: new DatabaseUnavailableError().message });
    }
  });
}
