// GET /healthz (SPEC §7): 200 when the database answers, 503 otherwise — for load balancers and
// for tests that wait for the server.
import type { Knex } from 'knex';
import { PUBLIC, type Routes } from '../auth/access.ts';
import { RETRY_AFTER_SECONDS } from './error-handler.ts';
import { DatabaseUnavailableError } from '../errors.ts';

const TIMEOUT_MS = 2000;

export async function databaseAnswers(knex: Knex): Promise<boolean> {
  try {
    await knex.raw('select 1').timeout(TIMEOUT_MS, { cancel: false });
    return true;
  } catch {
    return false;
  }
}

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
