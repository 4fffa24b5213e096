// What the "are you sure?" page says before each kind of removal: the record in words, what else
// follows from removing it, and the form fields that name it. Read only; nothing is removed here.
import type { Knex } from 'knex';
import { formatDate, formatNumber } from '../templates/view-helpers.ts';
import { allowanceToRemove } from './allowances.ts';
import { declarationRemoval } from './declarations.ts';
import { holidayToRemove } from './holidays.ts';
import { listMapRegister, mapEntryToRemove } from './map-register.ts';
import { listUsers } from './users-register.ts';

type Form = Readonly<Record<string, unknown>>;

/** What the page that asks "are you sure?" before a removal shows. */
export interface RemovalQuestion {
  /** The page's heading, e.g. "Remove a declaration?". */
  heading: string;
  /** One sentence naming exactly what goes. */
  question: string;
  details: Array<{ label: string; value: string }>;
  /** What else follows from the removal, if anything. */
  consequence?: string | undefined;
  /** The form's fields, sent again with confirm=yes. */
  fields: Record<string, string>;
  button: string;
}

/** "Alpha Energy (90-B3-…)" for a named User, its ID alone otherwise. */
async function userCalled(knex: Knex, userId: string): Promise<string> {
  const user = (await listUsers(knex)).find((u) => u.userId === userId);
  return user && user.name !== userId ? `${user.name} (${userId})` : userId;
}

export async function declarationQuestion(knex: Knex, form: Form): Promise<RemovalQuestion> {
  const { removed, inForce, nowInForce } = await declarationRemoval(knex, form);
  const user = await userCalled(knex, removed.userId);
  const consequence = !inForce
    ? 'It was replaced by a later declaration; positions as of dates before that one will no longer see it.'
    : nowInForce
      ? `The declaration received on ${formatDate(nowInForce.receivedOn)} (${formatNumber(nowInForce.count)} MAP IDs) comes back into force.`
      : `${user} will have no declaration: its position shows no declared count until one is recorded.`;
  return {
    heading: 'Remove this declaration?',
    question: `Remove the declaration of ${user} received on ${formatDate(removed.receivedOn)}?`,
    details: [
      { label: 'User', value: user },
      { label: 'MAP IDs declared', value: formatNumber(removed.count) },
      { label: 'Received', value: formatDate(removed.receivedOn) },
      { label: 'Status', value: inForce ? 'in force' : 'replaced by a later one' },
      { label: 'Recorded by', value: removed.recordedBy },
    ],
    consequence,
    fields: { user_id: removed.userId, received_on: removed.receivedOn },
    button: 'Remove the declaration',
  };
}

export async function allowanceQuestion(knex: Knex, form: Form): Promise<RemovalQuestion> {
  const removed = await allowanceToRemove(knex, form);
  const user = await userCalled(knex, removed.userId);
  return {
    heading: 'Remove this allowance?',
    question: `Remove the allowance of ${user} from ${formatDate(removed.effectiveFrom)}?`,
    details: [
      { label: 'User', value: user },
      { label: 'Per Working Day', value: formatNumber(removed.perDay) },
      { label: 'Effective from', value: formatDate(removed.effectiveFrom) },
      { label: 'Confirmed', value: formatDate(removed.confirmedOn) },
      { label: 'Recorded by', value: removed.recordedBy },
    ],
    consequence: 'An earlier allowance of this User, if any, applies from that date instead.',
    fields: { user_id: removed.userId, effective_from: removed.effectiveFrom },
    button: 'Remove the allowance',
  };
}

export async function holidayQuestion(knex: Knex, form: Form): Promise<RemovalQuestion> {
  const day = await holidayToRemove(knex, form);
  return {
    heading: 'Remove this bank holiday?',
    question: `Remove ${day.name} on ${day.weekday} ${formatDate(day.date)}?`,
    details: [
      { label: 'Date', value: `${day.weekday} ${formatDate(day.date)}` },
      { label: 'Name', value: day.name },
      { label: 'Source', value: day.source === 'shipped' ? 'shipped with the product' : 'added by SECAS' },
    ],
    consequence: 'It becomes a Working Day again, and every Working Day count over it changes.',
    fields: { date: day.date },
    button: 'Remove the holiday',
  };
}

export async function mapEntryQuestion(knex: Knex, form: Form): Promise<RemovalQuestion> {
  const entry = await mapEntryToRemove(knex, form);
  const last = (await listMapRegister(knex)).length === 1;
  return {
    heading: 'Remove this MAP ID?',
    question: `Remove ${entry.mapId} (${entry.name}) from the MAP register?`,
    details: [
      { label: 'MAP ID', value: entry.mapId },
      { label: 'Name', value: entry.name },
    ],
    consequence: last
      ? 'The register is then empty, so snapshots imported from now on count any MAP ID of 4 letters or digits as valid; snapshots already imported keep their counts until they are recounted.'
      : `Snapshots imported from now on count ${entry.mapId} as not valid; snapshots already imported keep their counts until they are recounted.`,
    fields: { map_id: entry.mapId },
    button: 'Remove the MAP ID',
  };
}
