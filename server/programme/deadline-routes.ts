// The Deadline section (SPEC §2, §4.5): the deadline in force and its history with reasons, for
// SECAS and the Panel; what-if for a proposed date and the earliest feasible deadline; SECAS
// records new decisions. Every figure comes from the progress service.
import type { Request, Response } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf } from '../auth/roles.ts';
import { dataVersionOf } from '../http/data-version.ts';
import { ValidationError } from '../errors.ts';
import { firstFew, paged } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { londonToday } from '../engine/calendar.ts';
import { csvImportRoute } from './csv-import-route.ts';
import { deadlinesCsv, importDeadlines, listDeadlines, setDeadline } from './deadline.ts';
import { dateRule } from './field-rules.ts';
import { changeThen, errorsView, formOf, PROGRAMME_STYLES, sendCsv, type ErrorsView } from './page-support.ts';

const VIEWERS = allow('secas', 'panel');
const SECAS = allow('secas');

type Extra = Record<string, unknown> & { values?: Record<string, Record<string, unknown>> };

/** The proposed deadline of the what-if form (a GET form: asking changes nothing), or a refusal for it. */
function proposedOf(req: Request): { proposed: string | null; error: ErrorsView | null } {
  const raw = typeof req.query.proposed === 'string' ? req.query.proposed.trim() : '';
  if (raw === '') return { proposed: null, error: null };
  const checked = dateRule(raw);
  if (checked.ok) return { proposed: checked.value, error: null };
  return { proposed: null, error: errorsView(new ValidationError(checked.error, [{ field: 'proposed', message: checked.error }]), 'whatif') };
}

/** Users the sentence about the earliest feasible deadline names before it says "and N more": every User may be in it. */
const USERS_NAMED = 10;

export function registerDeadlineRoutes(routes: Routes, ctx: RouteContext): void {
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const { proposed, error } = proposedOf(req);
    const plan = await ctx.progress.planAt(londonToday(), proposed, await dataVersionOf(req, ctx.knex));
    const history = await listDeadlines(ctx.knex);
    const feasible = plan.earliestFeasible;
    // Only the what-if table is paged; its RAG counts cover every User.
    const whatIf = plan.proposal && paged(req, plan.proposal.users, { path: '/deadline', label: 'Pages of Users', fragment: 'whatif-title' });
    ctx.pages.page(
      req,
      res,
      'deadline',
      {
        title: 'Deadline',
        styles: PROGRAMME_STYLES,
        plan,
        positions: plan.positions.status === 'ok' ? plan.positions : null,
        whatIfUsers: whatIf?.rows ?? [],
        whatIfPagination: whatIf?.pagination ?? null,
        limitingUsers: feasible?.status === 'feasible' ? firstFew(feasible.limitingUsers, USERS_NAMED) : null,
        blockingUsers: feasible?.status === 'infeasible' ? firstFew(feasible.blockingUsers, USERS_NAMED) : null,
        history,
        proposedInput: typeof req.query.proposed === 'string' ? req.query.proposed : '',
        whatIfError: error,
        canSet: req.principal?.role === 'secas',
        deadlineForm: extra.values?.deadline ?? { decided_on: londonToday() },
        ...extra,
      },
      error && status === 200 ? 422 : status,
    );
  };

  routes.get('/deadline', VIEWERS, (req, res) => show(req, res));
  routes.post('/deadline', SECAS, (req, res) =>
    changeThen(req, res, { form: 'deadline', then: '/deadline', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const { decision, summary } = await setDeadline(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      return summary.added
        ? `The deadline is now ${decision.deadline}, as the Panel decided on ${decision.decidedOn}.`
        : 'That decision is already recorded; nothing changed.';
    }),
  );
  routes.get('/deadline/export.csv', VIEWERS, async (_req, res) => sendCsv(res, 'deadline-history.csv', await deadlinesCsv(ctx.knex)));
  csvImportRoute(routes, ctx, { path: '/deadline/import', access: SECAS, then: '/deadline', again: show, importer: importDeadlines });
}
