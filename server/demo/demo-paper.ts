// What SECAS adds to the demo's reports, as it would in a real month: an enforcement trail for the
// Users at RED, an executive summary and the decisions sought for each report, and a correction of
// November's. Worked out from the positions the demo's own data gives, so the words match the figures.
import type { Knex } from 'knex';
import { addEnforcementAction } from '../actions/enforcement-actions.ts';
import { lastDayOfMonth } from '../engine/calendar.ts';
import { progressAsOf } from '../progress/progress-service.ts';
import { DEMO_ACTOR } from './demo-database.ts';

/** The Users at RED at the end of `month`, most outstanding first. */
async function redUsers(knex: Knex, month: string): Promise<Array<{ userId: string; name: string; outstanding: number }>> {
  const positions = await progressAsOf(knex, lastDayOfMonth(month));
  if (positions.status !== 'ok') return [];
  return positions.users
    .filter((u) => u.rag === 'RED')
    .sort((a, b) => b.total.outstanding - a.total.outstanding)
    .map((u) => ({ userId: u.userId, name: u.name, outstanding: u.total.outstanding }));
}

/**
 * SECAS's trail for the worst Users at RED in the two report months: a letter answered with a plan
 * and a meeting; a letter left unanswered past its due date (overdue in the second report); an
 * escalation to the Panel.
 */
export async function recordDemoActions(knex: Knex, months: readonly [string, string]): Promise<number> {
  const [first, second] = months;
  const red = (await redUsers(knex, first)).filter((u) => !/^[0-9A-F]{2}(-[0-9A-F]{2}){7}$/.test(u.name));
  const plans: Array<{ user: (typeof red)[number] | undefined; actions: Array<Record<string, string>> }> = [
    {
      user: red[0],
      actions: [
        { kind: 'letter-sent', taken_on: `${first}-08`, due_on: `${first}-22`, text: 'Letter asking for a recovery plan with a weekly backfill target.' },
        { kind: 'response-received', taken_on: `${first}-21`, text: 'Recovery plan received: a second contractor from next month, 400 MAP IDs a Working Day.' },
        { kind: 'meeting', taken_on: `${second}-12`, text: 'Progress meeting: the contractor has started; SECAS to check the rate in the next snapshot.' },
      ],
    },
    {
      user: red[1],
      actions: [
        {
          kind: 'letter-sent',
          taken_on: `${second}-05`,
          due_on: `${second}-19`,
          text: 'Letter asking why no MAP IDs have been backfilled since the last report.',
        },
      ],
    },
    {
      user: red[2],
      actions: [
        { kind: 'note', taken_on: `${first}-15`, text: 'Called the supplier’s programme manager; a reply was promised within two weeks.' },
        { kind: 'escalation', taken_on: `${second}-20`, text: 'Escalated to the Panel: no reply and no progress. See the decisions sought.' },
      ],
    },
  ];
  let recorded = 0;
  for (const { user, actions } of plans) {
    if (!user) continue;
    for (const action of actions) {
      await addEnforcementAction(knex, { user_id: user.userId, ...action }, DEMO_ACTOR);
      recorded += 1;
    }
  }
  return recorded;
}

/** The executive summary and decisions sought for a report month, from its positions. */
export async function demoSummary(knex: Knex, month: string, deadlineMoved: string | null): Promise<{ summary: string; decisions: string }> {
  const positions = await progressAsOf(knex, lastDayOfMonth(month));
  if (positions.status !== 'ok') return { summary: '', decisions: '' };
  const { RED, AMBER, GREEN } = positions.programme.ragCounts;
  const red = positions.users.filter((u) => u.rag === 'RED').sort((a, b) => b.total.outstanding - a.total.outstanding);
  const pct = positions.programme.completionPct.toFixed(1);
  const summary = [
    `The backfill is ${pct} % complete. ${RED} Users are RED, ${AMBER} AMBER and ${GREEN} GREEN.`,
    deadlineMoved === null
      ? 'SECAS has written to the Users furthest behind; their responses are recorded in their sections.'
      : `The Panel moved the deadline to ${deadlineMoved}. Most of this month's RAG moves come from that decision, not from a change of pace: see "Changes since the last report".`,
    [
      'The Users that most need the Panel’s attention:',
      ...red.slice(0, 3).map((u) => `- ${u.name}: ${u.total.outstanding.toLocaleString('en-GB')} MAP IDs outstanding (${u.reason})`),
    ].join('\n'),
  ].join('\n\n');
  const decisions = [
    'Note the progress of the backfill.',
    ...(red[0] ? [`Agree that SECAS writes formally to ${red[0].name} on the Panel's behalf.`] : []),
    ...(deadlineMoved === null ? [] : ['Agree to review the deadline again in three months.']),
  ].join('\n');
  return { summary, decisions };
}

/** Why the demo's November report is corrected. */
export const DEMO_CORRECTION_REASON = 'The executive summary gave the wrong Users as needing the Panel’s attention.';
