// The Panel deadline (SPEC §3.3): a date, with the history of every change — the date, when the
// Panel decided it, why, and who recorded it. The latest recorded is the one in force.
import type { Knex } from 'knex';
import { deadlineInForce, insertDeadline, listDeadlines, type DeadlineEntry } from '../../db/queries/deadlines.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { londonToday } from '../engine/calendar.ts';
import { safeCsv } from '../safe-csv.ts';
import { dateRule, invalid, textRule, type Rule } from './field-rules.ts';
import { readImportFile, refuse, refuseIfAny, SummaryCounter, type ImportKind, type ImportSummary } from './import-file.ts';
import { recordImport } from './keyed-changes.ts';
import { readRecord } from './record-reader.ts';

export { deadlineInForce, listDeadlines };
export type { DeadlineEntry };

/** A decision cannot have been taken in the future. */
const decidedOnRule: Rule<string> = (raw) => {
  const date = dateRule(raw);
  if (date.ok && date.value > londonToday()) return invalid(`${date.value} is in the future; give the date the Panel decided`);
  return date;
};

const DEADLINE_RULES = {
  deadline: dateRule,
  decided_on: decidedOnRule,
  reason: textRule('The reason', 2000),
};

export const DEADLINES_FILE: ImportKind<typeof DEADLINE_RULES> = {
  layout: { required: ['deadline', 'decided_on', 'reason'] },
  rules: DEADLINE_RULES,
  key: (value) => JSON.stringify([value.deadline, value.decided_on, value.reason]),
  keyColumns: 'deadline, decided_on and reason',
};

interface Decision {
  deadline: string;
  decidedOn: string;
  reason: string;
}

const audited = (d: Decision) => ({ deadline: d.deadline, decidedOn: d.decidedOn, reason: d.reason });
const sameDecision = (a: Decision, b: Decision): boolean => JSON.stringify(audited(a)) === JSON.stringify(audited(b));

/**
 * Appends each decision in the order given. One already in the history (same date, decision date
 * and reason) is the same decision, not a new one, so recording or importing it again changes nothing.
 */
async function appendDecisions(trx: Knex, decisions: readonly Decision[], actor: Actor, origin: RequestOrigin): Promise<ImportSummary> {
  const history: Decision[] = await listDeadlines(trx);
  let inForce: Decision | null = history[0] ?? null;
  const counter = new SummaryCounter();
  for (const decision of decisions) {
    if (history.some((entry) => sameDecision(entry, decision))) {
      counter.count('unchanged');
      continue;
    }
    await insertDeadline(trx, { ...decision, recordedBy: actor.name });
    await recordAudit(
      trx,
      actor,
      { action: 'deadline.set', entity: 'deadline', entityId: decision.deadline, before: inForce && audited(inForce), after: audited(decision) },
      origin,
    );
    history.push(decision);
    inForce = decision;
    counter.count('added');
  }
  return counter.result();
}

/** Records a new deadline from the form or the CLI (fields deadline, decided_on, reason). */
export async function setDeadline(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ decision: Decision; summary: ImportSummary }> {
  const read = readRecord(form, DEADLINE_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  const decision = { deadline: read.value.deadline, decidedOn: read.value.decided_on, reason: read.value.reason };
  const summary = await knex.transaction((trx) => appendDecisions(trx, [decision], actor, origin));
  return { decision, summary };
}

/** `deadline,decided_on,reason`: appends the decisions in file order (oldest first), or nothing if any row is wrong. */
export async function importDeadlines(knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const file = readImportFile(content, DEADLINES_FILE, fileName);
  refuseIfAny(file.errors, file.source);
  const decisions = file.rows.map(({ value }) => ({ deadline: value.deadline, decidedOn: value.decided_on, reason: value.reason }));
  return knex.transaction(async (trx) => {
    const summary = await appendDecisions(trx, decisions, actor, origin);
    await recordImport(trx, actor, 'deadlines.import', fileName, summary, origin);
    return summary;
  });
}

/** The history oldest first, as an import would append it, with who recorded each and when. */
export async function deadlinesCsv(knex: Knex): Promise<string> {
  const history = [...(await listDeadlines(knex))].reverse();
  return safeCsv(
    ['deadline', 'decided_on', 'reason', 'recorded_by', 'recorded_at'],
    history.map((entry) => [entry.deadline, entry.decidedOn, entry.reason, entry.recordedBy, entry.recordedAt]),
  );
}
