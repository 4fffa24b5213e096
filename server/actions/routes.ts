// The enforcement trail's download and its API (the User page shows and adds actions:
// server/dashboard/routes.ts). Every role reads it; SECAS alone adds to it.
import express, { type Request } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf, ROLES } from '../auth/roles.ts';
import { BadRequestError, ValidationError } from '../errors.ts';
import { fieldErrorsOf } from '../http/api-input.ts';
import { NewAction, type Action, type ActionList } from '../http/api-schemas.ts';
import type { RouteContext } from '../http/route-context.ts';
import { sendCsv } from '../programme/page-support.ts';
import { actionJson, actionsCsv, addEnforcementAction, listActions } from './enforcement-actions.ts';

/** The form's field names as the API spells them, so a refusal names the field the system sent. */
const API_FIELDS: Record<string, string> = { user_id: 'userId', kind: 'kind', taken_on: 'takenOn', due_on: 'dueOn', text: 'text' };

const readJson = express.json({ limit: '64kb', strict: true });

function newActionOf(req: Request): Record<string, string> {
  if (!req.is('application/json')) {
    throw new BadRequestError('Send the action as a JSON object with Content-Type: application/json (userId, kind, takenOn, text and optionally dueOn).');
  }
  // The shape as the API describes it (api-schemas.ts); the values are checked by the same rules as the page's form.
  const parsed = NewAction.safeParse(req.body);
  if (!parsed.success) throw new ValidationError('The action was not recorded: the JSON body is not as expected.', fieldErrorsOf(parsed.error.issues));
  const { userId, kind, takenOn, dueOn, text } = parsed.data;
  return { user_id: userId, kind, taken_on: takenOn, due_on: dueOn ?? '', text };
}

export function registerActionRoutes(routes: Routes, ctx: RouteContext): void {
  routes.get('/actions.csv', allow(...ROLES), async (_req, res) => sendCsv(res, 'enforcement-actions.csv', await actionsCsv(ctx.knex)));

  routes.get('/api/v1/actions', allow(...ROLES), async (req, res) => {
    const user = typeof req.query.user === 'string' && req.query.user.trim() !== '' ? req.query.user : undefined;
    const body: ActionList = { actions: (await listActions(ctx.knex, { userId: user })).map(actionJson) };
    res.json(body);
  });

  routes.post('/api/v1/actions', allow('secas'), readJson, async (req, res) => {
    try {
      const added = await addEnforcementAction(ctx.knex, newActionOf(req), actorOf(req.principal!), originOf(req));
      const body: Action = actionJson(added);
      res.status(201).json(body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError(
        err.message,
        err.fields.map((f) => ({ ...f, field: API_FIELDS[f.field] ?? f.field })),
      );
    }
  });
}
