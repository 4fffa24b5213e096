// The enforcement trail: per User, a dated log of what SECAS did or received about its backfill —
// letter sent, meeting, response received, escalation, Panel decision, note — with an optional due
// date and who recorded it. SECAS adds to it (page, CLI, API); every role reads it; each addition
// is audited in its own transaction. Actions are only added: a mistake is put right by a note.
import type { Knex } from 'knex';
import { findDccUser } from '../../db/queries/dcc-users.ts';
import {
  insertEnforcementAction,
  listEnforcementActions,
  listEnforcementActionsUpTo,
  type EnforcementActionRecord,
} from '../../db/queries/enforcement-actions.ts';
import { instantToIso, toDbInstant } from '../../db/instant.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { londonToday } from '../engine/calendar.ts';
import { NotFoundError, ValidationError, type FieldError } from '../errors.ts';
import { dateRule, invalid, shown, userIdRule, valid, type Rule } from '../programme/field-rules.ts';
import { readRecord } from '../programme/record-reader.ts';
import { safeCsv } from '../safe-csv.ts';
import { overdueAsOf, takenBetween } from './overdue.ts';

export const ACTION_KINDS = ['letter-sent', 'meeting', 'response-received', 'escalation', 'panel-decision', 'note'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_KIND_LABELS: Record<ActionKind, string> = {
  'letter-sent': 'Letter sent',
  meeting: 'Meeting',
  'response-received': 'Response received',
  escalation: 'Escalation',
  'panel-decision': 'Panel decision',
  note: 'Note',
};

/** Long enough for a meeting's summary; a longer text belongs in a document the action refers to. */
export const MAX_ACTION_TEXT = 4000;

/** An action as the report shows it (server/reports wires it in through actionsForReport). */
export interface ActionView {
  id: number;
  userId: string;
  kind: ActionKind;
  kindLabel: string;
  takenOn: string;
  dueOn: string | null;
  text: string;
  recordedBy: string;
}

/** An action as the page, the CLI and the API list it: with its User's name, when it was recorded, and whether it is overdue today. */
export interface ActionEntry extends ActionView {
  userName: string;
  /** ISO 8601, UTC. */
  recordedAt: string;
  overdue: boolean;
}

export interface ReportActions {
  /** Taken after the previous report's date, up to this one's, oldest first. */
  recent: ActionView[];
  /** Overdue as of this report's date (server/actions/overdue.ts), oldest first; may repeat one of `recent`. */
  overdue: ActionView[];
}

function isKind(value: string): value is ActionKind {
  return (ACTION_KINDS as readonly string[]).includes(value);
}

/** The kind's code, its label, or either with spaces or underscores (`Letter sent`, `letter_sent`). */
const kindRule: Rule<ActionKind> = (raw) => {
  const code = raw.toLowerCase().replace(/[\s_]+/g, '-');
  if (isKind(code)) return valid(code);
  const list = ACTION_KINDS.join(', ');
  return invalid(raw === '' ? `no kind of action is given: choose one of ${list}` : `${shown(raw)} is not a kind of action: choose one of ${list}`);
};

/** Required text; line ends made \n; no control characters but line ends and tabs. */
const actionTextRule: Rule<string> = (raw) => {
  const text = raw.replace(/\r\n?/g, '\n');
  if (text === '') return invalid('The text is empty; say what was done, sent or received');
  if (text.length > MAX_ACTION_TEXT)
    return invalid(`The text is ${text.length.toLocaleString('en-GB')} characters long; at most ${MAX_ACTION_TEXT.toLocaleString('en-GB')} are kept`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return invalid('The text holds a control character; type or paste it as plain text');
  return valid(text);
};

const optionalDateRule: Rule<string | null> = (raw) => (raw === '' ? valid(null) : dateRule(raw));

/** An action is recorded once it has happened; `today` is London's. */
function takenOnRule(today: string): Rule<string> {
  return (raw) => {
    const date = dateRule(raw);
    return date.ok && date.value > today ? invalid(`${date.value} is after today (${today}); record an action once it has happened`) : date;
  };
}

const ACTION_RULES = {
  user_id: userIdRule,
  kind: kindRule,
  taken_on: dateRule,
  due_on: optionalDateRule,
  text: actionTextRule,
};

const FIELD_ORDER = Object.keys(ACTION_RULES);

function refuse(errors: FieldError[]): never {
  throw new ValidationError(errors.length === 1 ? errors[0]!.message : 'Please correct the fields marked below.', errors);
}

function toView(record: EnforcementActionRecord): ActionView {
  const kind = isKind(record.kind) ? record.kind : 'note';
  return {
    id: record.id,
    userId: record.userId,
    kind,
    kindLabel: ACTION_KIND_LABELS[kind],
    takenOn: record.takenOn,
    dueOn: record.dueOn,
    text: record.text,
    recordedBy: record.recordedBy,
  };
}

/** Every record given, with whether each is overdue as of `asOf` among its own User's actions. */
function toEntries(records: readonly EnforcementActionRecord[], asOf: string): ActionEntry[] {
  const byUser = groupByUser(records);
  const overdue = new Set([...byUser.values()].flatMap((actions) => overdueAsOf(actions, asOf).map((a) => a.id)));
  return records.map((record) => ({
    ...toView(record),
    userName: record.userName,
    recordedAt: instantToIso(record.recordedAt),
    overdue: overdue.has(record.id),
  }));
}

function groupByUser<T extends { userId: string }>(records: readonly T[]): Map<string, T[]> {
  const byUser = new Map<string, T[]>();
  for (const record of records) {
    const list = byUser.get(record.userId);
    if (list) list.push(record);
    else byUser.set(record.userId, [record]);
  }
  return byUser;
}

/**
 * Records one action from a form (or a CLI's or API's fields): `user_id`, `kind`, `taken_on`,
 * `due_on` (optional), `text`. Refused with a ValidationError naming each wrong field; the action
 * and its audit entry are stored together or not at all.
 */
export async function addEnforcementAction(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
  actor: Actor,
  origin: RequestOrigin = {},
  today: string = londonToday(),
): Promise<ActionEntry> {
  const read = readRecord(form, { ...ACTION_RULES, taken_on: takenOnRule(today) });
  // Every problem at once: those of each field, then those between fields or with the register,
  // for the fields that read well on their own.
  const errors: FieldError[] = read.ok ? [] : [...read.errors];
  const raw = (field: string): string => (typeof form[field] === 'string' ? form[field].trim() : '');
  const [taken, due, user] = [dateRule(raw('taken_on')), optionalDateRule(raw('due_on')), userIdRule(raw('user_id'))];
  if (taken.ok && due.ok && due.value !== null && due.value < taken.value) {
    errors.push({ field: 'due_on', message: `The due date ${due.value} is before the action's date ${taken.value}` });
  }
  if (user.ok && !(await findDccUser(knex, user.value))) {
    errors.push({
      field: 'user_id',
      message: `${user.value} is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)`,
    });
  }
  if (errors.length > 0 || !read.ok) refuse(errors.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field)));
  const { user_id: userId, kind, taken_on: takenOn, due_on: dueOn, text } = read.value;

  const recordedAt = toDbInstant();
  const id = await knex.transaction(async (trx) => {
    const added = await insertEnforcementAction(trx, { userId, kind, takenOn, dueOn, text, recordedBy: actor.name, recordedAt });
    await recordAudit(
      trx,
      actor,
      { action: 'action.add', entity: 'enforcement_action', entityId: String(added), before: null, after: { userId, kind, takenOn, dueOn, text } },
      origin,
    );
    return added;
  });
  // Read back among the User's others, which decide whether it is already overdue.
  return toEntries(await listEnforcementActions(knex, userId), today).find((a) => a.id === id)!;
}

/**
 * Every action, or one User's (`userId` as typed: normalised, and refused when it is not a User
 * ID or not in the register), by date taken then as recorded, each marked overdue as of `today`.
 */
export async function listActions(knex: Knex, options: { userId?: string; today?: string } = {}): Promise<ActionEntry[]> {
  let userId: string | undefined;
  if (options.userId !== undefined) {
    const checked = userIdRule(options.userId.trim());
    if (!checked.ok) refuse([{ field: 'user', message: checked.error }]);
    if (!(await findDccUser(knex, checked.value))) throw new NotFoundError(`${checked.value} is not in the Users register.`);
    userId = checked.value;
  }
  return toEntries(await listEnforcementActions(knex, userId), options.today ?? londonToday());
}

/** One User's actions (its ID already normalised), by date taken, each marked overdue as of `today`. */
export async function actionsOfUser(knex: Knex, userId: string, today: string = londonToday()): Promise<ActionEntry[]> {
  return toEntries(await listEnforcementActions(knex, userId), today);
}

/** The same actions as JSON for the API and `backfill actions list --json`. */
export function actionJson(entry: ActionEntry) {
  const { id, userId, userName, kind, takenOn, dueOn, text, recordedBy, recordedAt, overdue } = entry;
  return { id, userId, userName, kind, takenOn, dueOn, text, recordedBy, recordedAt, overdue };
}

export const ACTIONS_CSV_COLUMNS = ['user_id', 'user_name', 'kind', 'taken_on', 'due_on', 'text', 'recorded_by', 'recorded_at'] as const;

/** Every action as CSV, by User then date, each text cell guarded against spreadsheet formulas. */
export async function actionsCsv(knex: Knex): Promise<string> {
  const entries = (await listActions(knex)).sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return safeCsv(
    ACTIONS_CSV_COLUMNS,
    entries.map((a) => [a.userId, a.userName, a.kind, a.takenOn, a.dueOn, a.text, a.recordedBy, a.recordedAt]),
  );
}

/**
 * For the monthly report's RED and AMBER sections: for each User asked (every one has an entry,
 * empty when it has no actions), the actions taken after `since` (the previous report's as-of
 * date; null for all) up to `asOf`, and those overdue as of `asOf`. Only actions taken on or
 * before `asOf` are read, so a report regenerated later shows the trail as it stood.
 */
export async function actionsForReport(
  knex: Knex,
  options: { userIds: string[]; since: string | null; asOf: string },
): Promise<Map<string, { recent: ActionView[]; overdue: ActionView[] }>> {
  const byUser = groupByUser(await listEnforcementActionsUpTo(knex, options.userIds, options.asOf));
  const result = new Map<string, ReportActions>();
  for (const userId of options.userIds) {
    const actions = byUser.get(userId) ?? [];
    result.set(userId, {
      recent: takenBetween(actions, options.since, options.asOf).map(toView),
      overdue: overdueAsOf(actions, options.asOf).map(toView),
    });
  }
  return result;
}
