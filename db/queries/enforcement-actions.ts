// The enforcement trail (enforcement_actions): per User, the dated actions SECAS recorded about its
// backfill. Read with the User's name from the register, oldest first (taken_on, then the order
// they were recorded).
import type { Knex } from 'knex';

export interface NewEnforcementAction {
  userId: string;
  kind: string;
  takenOn: string;
  dueOn: string | null;
  text: string;
  recordedBy: string;
  recordedAt: string;
}

export interface EnforcementActionRecord extends NewEnforcementAction {
  id: number;
  /** The User's name in the register (its ID while it has none of its own). */
  userName: string;
}

interface ActionRow {
  id: number | string;
  user_id: string;
  user_name: string | null;
  kind: string;
  taken_on: string;
  due_on: string | null;
  text: string;
  recorded_by: string;
  recorded_at: string;
}

function fromRow(row: ActionRow): EnforcementActionRecord {
  return {
    id: Number(row.id),
    userId: row.user_id,
    userName: row.user_name ?? row.user_id,
    kind: row.kind,
    takenOn: row.taken_on,
    dueOn: row.due_on ?? null,
    text: row.text,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
  };
}

/** The actions `filter` keeps, with their Users' names, by date taken then as recorded. */
async function selectActions(knex: Knex, filter: (query: Knex.QueryBuilder) => void = () => undefined): Promise<EnforcementActionRecord[]> {
  const query = knex('enforcement_actions as a')
    .leftJoin('dcc_users as u', 'u.user_id', 'a.user_id')
    .select('a.id', 'a.user_id', 'u.name as user_name', 'a.kind', 'a.taken_on', 'a.due_on', 'a.text', 'a.recorded_by', 'a.recorded_at')
    .orderBy([{ column: 'a.taken_on' }, { column: 'a.id' }]);
  filter(query);
  const rows = (await query) as ActionRow[];
  return rows.map(fromRow);
}

/** Stores one action and returns its id. */
export async function insertEnforcementAction(knex: Knex, action: NewEnforcementAction): Promise<number> {
  const [id] = await knex('enforcement_actions').insert({
    user_id: action.userId,
    kind: action.kind,
    taken_on: action.takenOn,
    due_on: action.dueOn,
    text: action.text,
    recorded_by: action.recordedBy,
    recorded_at: action.recordedAt,
  });
  return Number(id);
}

/** Every action, or one User's, by date taken then as recorded. */
export async function listEnforcementActions(knex: Knex, userId?: string): Promise<EnforcementActionRecord[]> {
  return selectActions(knex, (query) => {
    if (userId !== undefined) void query.where('a.user_id', userId);
  });
}

/**
 * The actions of the Users given taken on or before `upTo`, by date taken then as recorded: what
 * the report's sections read, as of the report's date (an action recorded later about an earlier
 * date is included, as the trail stood when the report was made).
 */
export async function listEnforcementActionsUpTo(knex: Knex, userIds: readonly string[], upTo: string): Promise<EnforcementActionRecord[]> {
  if (userIds.length === 0) return [];
  const rows: EnforcementActionRecord[] = [];
  // In slices, so a programme of thousands of Users stays within every driver's limit on bound values.
  for (let start = 0; start < userIds.length; start += 500) {
    const slice = userIds.slice(start, start + 500);
    rows.push(...(await selectActions(knex, (query) => void query.whereIn('a.user_id', slice).andWhere('a.taken_on', '<=', upTo))));
  }
  return rows.sort((a, b) => (a.takenOn === b.takenOn ? a.id - b.id : a.takenOn < b.takenOn ? -1 : 1));
}
