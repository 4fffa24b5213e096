// The enforcement trail on a User's page (views/pages/user-actions.hbs): the User's actions newest
// first, each marked when overdue today, and for SECAS the form that adds one.
import type { Knex } from 'knex';
import { ACTION_KIND_LABELS, ACTION_KINDS, actionsOfUser, MAX_ACTION_TEXT, type ActionEntry } from '../actions/enforcement-actions.ts';
import { londonToday } from '../engine/calendar.ts';

export interface ActionsSection {
  userId: string;
  /** Newest first: the latest step is what a reader of the page wants first. */
  actions: ActionEntry[];
  overdueCount: number;
  canAdd: boolean;
  today: string;
  kindOptions: Array<{ value: string; label: string }>;
  maxText: number;
  /** What the form starts with: today's date. A refused form brings back what was typed instead. */
  values: { action: Record<string, string> };
}

export async function actionsSection(knex: Knex, userId: string, canAdd: boolean): Promise<ActionsSection> {
  const today = londonToday();
  const actions = (await actionsOfUser(knex, userId, today)).reverse();
  return {
    userId,
    actions,
    overdueCount: actions.filter((a) => a.overdue).length,
    canAdd,
    today,
    kindOptions: ACTION_KINDS.map((value) => ({ value, label: ACTION_KIND_LABELS[value] })),
    maxText: MAX_ACTION_TEXT,
    values: { action: { taken_on: today } },
  };
}
