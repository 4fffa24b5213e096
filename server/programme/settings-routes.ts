// The Settings section for SECAS (SPEC §2): programme settings, bank holidays and the MAP register,
// each with a form, CSV import and export. Routes parse, call a service and render; nothing is
// computed here.
import type { Request, Response } from 'express';
import { allow, type Routes } from '../auth/access.ts';
import { originOf } from '../auth/routes.ts';
import { actorOf } from '../auth/roles.ts';
import { paged } from '../http/pagination.ts';
import type { RouteContext } from '../http/route-context.ts';
import { londonToday } from '../engine/calendar.ts';
import { snapshotsToRecount } from '../snapshots/recount/recount.ts';
import { recountOffer, requestRecount } from '../snapshots/recount/recount-requests.ts';
import { baselineChoices } from './baseline-choices.ts';
import { csvImportRoute } from './csv-import-route.ts';
import { addHoliday, holidaysByYear, holidaysCsv, importHolidays, removeHoliday } from './holidays.ts';
import { importMapRegister, listMapRegister, mapRegisterCsv, removeMapEntry, saveMapEntry } from './map-register.ts';
import { changeThen, CONFIRM_SCRIPT, confirmThen, formOf, PROGRAMME_STYLES, sendCsv, type ErrorsView } from './page-support.ts';
import { holidayQuestion, mapEntryQuestion } from './removal-questions.ts';
import { CLASSIFICATIONS, loadSettings, SETTING_DEFINITIONS } from './settings.ts';
import { changeSettings, importSettings, settingsCsv } from './settings-file.ts';

const SECAS = allow('secas');

type Extra = Record<string, unknown> & { errors?: Record<string, ErrorsView>; values?: Record<string, Record<string, unknown>> };

function registerSettingsPage(routes: Routes, ctx: RouteContext): void {
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const settings = await loadSettings(ctx.knex);
    const entered = extra.values?.settings ?? {};
    const errors = extra.errors?.settings?.byField ?? {};
    const baselineEntered = entered[SETTING_DEFINITIONS.baselineSnapshotId.name];
    const baselineOptions = await baselineChoices(
      ctx.knex,
      typeof baselineEntered === 'string' ? baselineEntered : settings.baselineSnapshotId === null ? '' : String(settings.baselineSnapshotId),
    );
    const fields = Object.entries(SETTING_DEFINITIONS).map(([key, definition]) => {
      const stored = settings[key as keyof typeof SETTING_DEFINITIONS];
      const value = typeof entered[definition.name] === 'string' ? entered[definition.name] : stored === null ? '' : String(stored);
      return {
        name: definition.name,
        label: definition.label,
        help: definition.help,
        value,
        error: errors[definition.name],
        options:
          key === 'reportClassification'
            ? CLASSIFICATIONS.map((option) => ({ value: option, selected: option === value }))
            : key === 'baselineSnapshotId'
              ? baselineOptions
              : null,
      };
    });
    // Mail is configured by the operator, not here; the page says whether it is on.
    const mail = ctx.config.mail.smtpUrl === null ? null : new URL(ctx.config.mail.smtpUrl).host;
    ctx.pages.page(
      req,
      res,
      'settings',
      { title: 'Programme settings', styles: PROGRAMME_STYLES, fields, timeZone: settings.timeZone, mail, mailFrom: ctx.config.mail.from, ...extra },
      status,
    );
  };

  routes.get('/settings', SECAS, (req, res) => show(req, res));
  routes.post('/settings', SECAS, (req, res) =>
    changeThen(req, res, { form: 'settings', then: '/settings', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const summary = await changeSettings(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      return summary.changed === 0 ? 'Nothing was changed.' : summary.changed === 1 ? 'The setting was saved.' : 'The settings were saved.';
    }),
  );
  routes.get('/settings/export.csv', SECAS, async (_req, res) => sendCsv(res, 'settings.csv', await settingsCsv(ctx.knex)));
  csvImportRoute(routes, ctx, { path: '/settings/import', access: SECAS, then: '/settings', again: show, importer: importSettings });
}

/** The year of a date typed into a form, if it starts with one. */
function yearIn(value: unknown): string | undefined {
  return typeof value === 'string' ? /^\s*(\d{4})-/.exec(value)?.[1] : undefined;
}

/** The holidays page for the year of the date a form named (where its change shows), else the page for this year. */
function holidaysPageFor(date: unknown): string {
  const year = yearIn(date);
  return year ? `/settings/holidays?year=${year}#listed` : '/settings/holidays';
}

function registerHolidayPages(routes: Routes, ctx: RouteContext): void {
  // One year at a time (?year=YYYY, this year by default), with a link to each year listed: the
  // whole list is nineteen years of tables.
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const years = await holidaysByYear(ctx.knex);
    const thisYear = londonToday().slice(0, 4);
    const wanted = (typeof req.query.year === 'string' ? req.query.year : undefined) ?? yearIn(extra.values?.remove?.date) ?? thisYear;
    const shown = years.find((y) => y.year === wanted) ?? years.find((y) => y.year === thisYear) ?? years.filter((y) => y.year <= thisYear).at(-1) ?? years[0];
    ctx.pages.page(
      req,
      res,
      'holidays',
      {
        title: 'Bank holidays',
        styles: PROGRAMME_STYLES,
        scripts: CONFIRM_SCRIPT,
        shown,
        years: years.map((y) => ({ year: y.year, count: y.days.length, href: `/settings/holidays?year=${y.year}#listed`, current: y === shown })),
        ...extra,
      },
      status,
    );
  };

  routes.get('/settings/holidays', SECAS, (req, res) => show(req, res));
  routes.post('/settings/holidays', SECAS, (req, res) =>
    changeThen(req, res, { form: 'holiday', then: holidaysPageFor(formOf(req).date), again: (extra, status) => show(req, res, extra, status) }, async () => {
      const { holiday, summary } = await addHoliday(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      if (summary.unchanged) return `${holiday.date} is already listed as ${holiday.name}.`;
      return `${holiday.date} (${holiday.name}) is now a bank holiday, not a Working Day.`;
    }),
  );
  routes.post('/settings/holidays/remove', SECAS, (req, res) => {
    const options = {
      form: 'remove',
      then: holidaysPageFor(formOf(req).date),
      back: holidaysPageFor(formOf(req).date),
      pages: ctx.pages,
      ask: () => holidayQuestion(ctx.knex, formOf(req)),
      again: (extra: Extra, status: number) => show(req, res, extra, status),
    };
    return confirmThen(req, res, options, async () => {
      const removed = await removeHoliday(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      return `${removed.date} (${removed.name}) is a Working Day again.`;
    });
  });
  routes.get('/settings/holidays/export.csv', SECAS, async (_req, res) => sendCsv(res, 'bank-holidays.csv', await holidaysCsv(ctx.knex)));
  csvImportRoute(routes, ctx, { path: '/settings/holidays/import', access: SECAS, then: '/settings/holidays', again: show, importer: importHolidays });
}

/** After a change of the register: a sentence pointing at the recount offer when snapshots are now counted otherwise. */
async function recountHint(knex: RouteContext['knex']): Promise<string> {
  const { snapshots } = await snapshotsToRecount(knex);
  if (snapshots.length === 0) return '';
  return ` ${snapshots.length} ${snapshots.length === 1 ? 'snapshot was' : 'snapshots were'} counted with another register: recount them below.`;
}

function registerMapRegisterPages(routes: Routes, ctx: RouteContext): void {
  const show = async (req: Request, res: Response, extra: Extra = {}, status = 200): Promise<void> => {
    const table = paged(req, await listMapRegister(ctx.knex), { path: '/settings/map-register', label: 'Pages of the MAP register', fragment: 'listed' });
    ctx.pages.page(
      req,
      res,
      'map-register',
      {
        title: 'MAP register',
        styles: PROGRAMME_STYLES,
        scripts: CONFIRM_SCRIPT,
        entries: table.rows,
        pagination: table.pagination,
        recount: await recountOffer(ctx.knex),
        ...extra,
      },
      status,
    );
  };

  routes.get('/settings/map-register', SECAS, (req, res) => show(req, res));
  routes.post('/settings/map-register', SECAS, (req, res) =>
    changeThen(req, res, { form: 'map', then: '/settings/map-register', again: (extra, status) => show(req, res, extra, status) }, async () => {
      const { entry, summary } = await saveMapEntry(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
      return summary.added
        ? `${entry.mapId} (${entry.name}) was added to the MAP register.${await recountHint(ctx.knex)}`
        : summary.changed
          ? `${entry.mapId} is now named ${entry.name}.`
          : 'Nothing was changed.';
    }),
  );
  routes.post('/settings/map-register/remove', SECAS, (req, res) =>
    confirmThen(
      req,
      res,
      {
        form: 'remove',
        then: '/settings/map-register',
        back: '/settings/map-register#listed',
        pages: ctx.pages,
        ask: () => mapEntryQuestion(ctx.knex, formOf(req)),
        again: (extra, status) => show(req, res, extra, status),
      },
      async () => {
        const removed = await removeMapEntry(ctx.knex, formOf(req), actorOf(req.principal!), originOf(req));
        return `${removed.mapId} (${removed.name}) was removed from the MAP register.${await recountHint(ctx.knex)}`;
      },
    ),
  );
  routes.post('/settings/map-register/recount', SECAS, async (req, res) => {
    const queued = await requestRecount(ctx.knex, actorOf(req.principal!), originOf(req));
    req.session.flash =
      queued === 0
        ? 'Every snapshot is counted with the rules in force; there is nothing to recount.'
        : `A recount of ${queued} ${queued === 1 ? 'snapshot' : 'snapshots'} is queued. The snapshot-recount job runs it within a minute; Job runs shows how it went.`;
    res.redirect(303, '/settings/map-register#recount');
  });
  routes.get('/settings/map-register/export.csv', SECAS, async (_req, res) => sendCsv(res, 'map-register.csv', await mapRegisterCsv(ctx.knex)));
  csvImportRoute(routes, ctx, {
    path: '/settings/map-register/import',
    access: SECAS,
    then: '/settings/map-register',
    again: show,
    importer: importMapRegister,
  });
}

export function registerSettingsRoutes(routes: Routes, ctx: RouteContext): void {
  registerSettingsPage(routes, ctx);
  registerHolidayPages(routes, ctx);
  registerMapRegisterPages(routes, ctx);
}
