// Asking for a recount from the MAP register page: the request is an audit entry (who asked, when,
// for which snapshots), and the snapshot-recount job runs the newest request once — any instance
// running the scheduler, within a minute. The page shows where the newest request has got to.
import type { Knex } from 'knex';
import { findAudit, latestAuditOf } from '../../../db/queries/audit.ts';
import { runsOf } from '../../../db/queries/job-runs.ts';
import { recordAudit, type RequestOrigin } from '../../audit/record.ts';
import type { Actor } from '../../auth/roles.ts';
import { registerInWords } from './counting-rules.ts';
import { snapshotsToRecount, type SnapshotToRecount } from './recount.ts';

export const RECOUNT_JOB = 'snapshot-recount';
const REQUEST = 'snapshot.recount-request';

/** The job's run key for a request: each request runs once. */
export function recountKey(requestId: number): string {
  return `recount:${requestId}`;
}

/** The run key of the newest request, or null when none was ever made. */
export async function newestRecountKey(knex: Knex): Promise<string | null> {
  const request = await latestAuditOf(knex, REQUEST);
  return request ? recountKey(Number(request.id)) : null;
}

/** Who asked for the recount a run key is for: the recount's audit entries name them. */
export async function requesterOf(knex: Knex, key: string): Promise<Actor> {
  const request = await findAudit(knex, Number(key.slice('recount:'.length)));
  const kinds: ReadonlyArray<Actor['kind']> = ['account', 'token', 'cli', 'system'];
  const kind = kinds.find((k) => k === request?.actor_kind);
  return request && kind ? { kind, name: request.actor } : { kind: 'system', name: RECOUNT_JOB };
}

/** Queues a recount of the snapshots counted otherwise; returns how many, 0 (nothing queued) when none is. */
export async function requestRecount(knex: Knex, actor: Actor, origin: RequestOrigin = {}): Promise<number> {
  const { rules, snapshots } = await snapshotsToRecount(knex);
  if (snapshots.length === 0) return 0;
  await recordAudit(
    knex,
    actor,
    {
      action: REQUEST,
      entity: 'snapshot',
      after: { snapshots: snapshots.map((s) => s.id), implementationDate: rules.implementationDate, mapRegister: registerInWords(rules) },
    },
    origin,
  );
  return snapshots.length;
}

export interface RecountRequestState {
  at: string;
  actor: string;
  /** queued: no run yet; running; succeeded; failed (retried while attempts remain); skipped (a job runner's outcome this job never gives). */
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
  outcome: string | null;
}

/** Where the newest request has got to, or null when none was made. */
export async function recountRequestState(knex: Knex): Promise<RecountRequestState | null> {
  const request = await latestAuditOf(knex, REQUEST);
  if (!request) return null;
  const [run] = await runsOf(knex, RECOUNT_JOB, recountKey(Number(request.id)));
  const summary = run?.details ? ((JSON.parse(run.details) as { summary?: string }).summary ?? null) : null;
  return { at: request.at, actor: request.actor, status: run ? run.status : 'queued', outcome: run?.error ?? summary };
}

export interface RecountOffer {
  count: number;
  shown: SnapshotToRecount[];
  more: number;
  request: RecountRequestState | null;
  /** True while the newest request has not run to its end: the button would only queue the same work again. */
  waiting: boolean;
}

const LISTED = 20;

/** What the MAP register page offers: the snapshots counted otherwise, and the newest request's state. */
export async function recountOffer(knex: Knex): Promise<RecountOffer> {
  const { snapshots } = await snapshotsToRecount(knex);
  const request = await recountRequestState(knex);
  return {
    count: snapshots.length,
    shown: snapshots.slice(0, LISTED),
    more: Math.max(0, snapshots.length - LISTED),
    request,
    waiting: request !== null && (request.status === 'queued' || request.status === 'running'),
  };
}
