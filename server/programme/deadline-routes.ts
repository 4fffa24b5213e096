// The Deadline section (SPEC §2, §4.5): the deadline in force and its history with reasons, for
// SECAS and the Panel; the earliest feasible deadline, and the what-if — each User's status now
// and under a proposed date (and allowances scaled, if asked) side by side; SECAS records new
// decisions. Every figure comes from the progress service.
import type { Request, Response } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf } from '../auth/roles.ts';
import { dataVersionOf } from '../http/data-version.ts';
import { paged } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { londonToday } from '../engine/calendar.ts';
import { csvImportRoute } from './csv-import-route.ts';
import { deadlinesCsv, importDeadlines, listDeadlines, setDeadline } from './deadline.ts';
import { scriptJson } from '../reports/report-html.ts';
import { feasibleView, whatIfView } from './deadline-view.ts';
import { changeThen, errorsView, formOf, PROGRAMME_STYLES, sendCsv } from './page-support.ts';
import { readWhatIfQuestion, whatIfRefusal } from './what-if-question.ts';

const VIEWERS = allow('secas', 'panel');
const SECAS = allow('secas');

type Extra = Record<string, unknown> & { values?: Record<string, Record<string, unknown>> };

/** The what-if's chart draws with Chart.js from the page's JSON (no inline script: CSP). */
const CHART_SCRIPTS = ['/assets-vendor/chart.umd.min.js', '/assets/deadline-chart.js'];

export function registerDeadlineRoutes(routes: Routes, ctx: RouteContext): void {
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const history = await listDeadlines(ctx.knex);
    // A GET form: asking changes nothing.
    const asked = readWhatIfQuestion(req.query, history[0]?.deadline ?? null);
    const refusal = whatIfRefusal(asked);
    const { question } = asked;
    const plan = await ctx.progress.planAt(londonToday(), question?.deadline ?? null, await dataVersionOf(req, ctx.knex), question?.factor?.percent ?? null);
    const whatIf = plan.proposal && whatIfView(plan.proposal, question?.factor ?? null, plan.proposedDay);
    // Only the what-if table is paged; its counts, changes and chart cover every User.
    const rows = plan.proposal && paged(req, plan.proposal.users, { path: '/deadline', label: 'Pages of Users', fragment: 'whatif-title' });
    ctx.pages.page(
      req,
      res,
      'deadline',
      {
        title: 'Deadline',
        styles: [...PROGRAMME_STYLES, 'deadline.css'],
        scripts: whatIf ? CHART_SCRIPTS : [],
        plan,
        positions: plan.positions.status === 'ok' ? plan.positions : null,
        feasible: plan.earliestFeasible && feasibleView(plan.earliestFeasible),
        whatIf,
        whatIfUsers: rows?.rows ?? [],
        whatIfPagination: rows?.pagination ?? null,
        chartJson: whatIf ? scriptJson(whatIf.chart) : null,
        history,
        proposedInput: asked.typed.proposed,
        factorInput: asked.typed.factor,
        whatIfError: refusal && errorsView(refusal, 'whatif'),
        canSet: req.principal?.role === 'secas',
        deadlineForm: extra.values?.deadline ?? { decided_on: londonToday() },
        ...extra,
      },
      refusal && status === 200 ? 422 : status,
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
