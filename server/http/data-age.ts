// The old-data banner of every page that shows positions (the overview, a User's page, the deadline
// page, the reports list): when the newest snapshot is older than the `stale-after` setting, the
// layout says so with the snapshot's date and age, so that old figures are never read as news.
// Worked out here, once per request, and handed to the layout through res.locals.
import type { NextFunction, Request, Response } from 'express';
import { isIsoDate, londonToday } from '../engine/calendar.ts';
import { tooOldData } from '../engine/staleness.ts';
import { dataVersionOf } from './data-version.ts';
import type { RouteContext } from './route-context.ts';

export interface DataAge {
  asOf: string;
  ageWd: number;
  limit: number;
  /** The date the page's figures are for: today, or the date asked with ?asOf=. */
  on: string;
  today: boolean;
}

const EUI64_PATH = /^\/users\/[0-9A-Fa-f]{2}(-[0-9A-Fa-f]{2}){7}$/;
/** Pages whose figures are asked as of ?asOf= (else today); the others always show today's. */
const AS_OF_PAGES = (path: string): boolean => path === '/' || EUI64_PATH.test(path);
const TODAY_PAGES = new Set(['/deadline', '/reports']);

export function showsPositions(path: string): boolean {
  return AS_OF_PAGES(path) || TODAY_PAGES.has(path);
}

export function dataAgeBanner(ctx: Pick<RouteContext, 'knex' | 'progress'>) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    // A form sent back with its problems (a User's enforcement action, a deadline) shows the page again: banner and all.
    if (!req.principal || !showsPositions(req.path)) return next();
    const today = londonToday();
    const asked = AS_OF_PAGES(req.path) && typeof req.query.asOf === 'string' ? req.query.asOf.trim() : '';
    // A malformed date is the page's to refuse, with its own message.
    const on = asked === '' ? today : asked;
    if (!isIsoDate(on)) return next();
    try {
      const data = await ctx.progress.programme(await dataVersionOf(req, ctx.knex));
      const age = tooOldData(
        data.snapshots.map((s) => s.asOf),
        on,
        data.workingDays,
        data.settings.staleAfter,
      );
      if (age) res.locals.dataAge = { asOf: age.asOf, ageWd: age.ageWd, limit: age.limit, on, today: on === today } satisfies DataAge;
    } catch {
      // The page reads the same data and answers a failure with its own 503; the banner waits for it.
    }
    next();
  };
}
