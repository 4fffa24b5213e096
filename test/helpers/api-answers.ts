// For an answer from a server the test did not start in-process (a child process: npm start, the
// demo), whose answers test-server.ts cannot check as they are sent: the same check, by hand.
import assert from 'node:assert/strict';
import { responseProblems } from '../../server/http/openapi.ts';

/** `route` as Express registers it, e.g. /api/v1/snapshots/:id. */
export function assertApiAnswer(method: string, route: string, status: number, body: unknown): void {
  assert.deepEqual(responseProblems(method, route, status, { json: body }), [], `${method} ${route} → ${status} matches its OpenAPI description`);
}
