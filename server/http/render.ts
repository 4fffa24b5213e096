// Renders a page inside the layout with what every page needs: who is logged in, the navigation
// for their role, the CSRF token for forms, a one-shot message.
import type { Request, Response } from 'express';
import type { RouteInfo } from '../auth/access.ts';
import { ROLE_LABELS } from '../auth/roles.ts';
import { navigationFor } from './navigation.ts';
import type { ViewRenderer } from '../templates/views.ts';
import { requestIdOf } from './request-id.ts';

export type CsrfTokenFor = (req: Request, res: Response) => string;

export type PageData = Record<string, unknown> & { title: string };

export interface PageRenderer {
  page(req: Request, res: Response, view: string, data: PageData, status?: number): void;
  /** A page's own content, without the layout or anything about the person asking (for caching). */
  body(view: string, data: Record<string, unknown>): string;
  /** Sends a body made by `body` (as UTF-8 bytes, e.g. kept in a cache) inside the layout for this request. */
  pageFrom(req: Request, res: Response, body: Buffer, data: PageData, status?: number): void;
  /** The CSRF token for a form in a part of a page made per request (the layout's own forms get the same one). */
  formToken(req: Request, res: Response): string;
}

const BODY_MARK = '\u0000body\u0000';
const LAYOUTS_KEPT = 1000;

/**
 * The layout's two halves for a frame, rendered once for each frame that recurs (the same person,
 * page and CSRF token): the dashboard's busiest pages are framed per request. A frame carrying a
 * one-shot message is never kept.
 */
class LayoutCache {
  private readonly kept = new Map<string, [Buffer, Buffer]>();

  constructor(private readonly views: ViewRenderer) {}

  around(frame: Record<string, unknown>): [Buffer, Buffer] {
    const { requestId: _unused, principal: _shownAsWhoAndNav, ...shown } = frame;
    const key = frame.flash === undefined ? JSON.stringify(shown) : undefined;
    let halves = key === undefined ? undefined : this.kept.get(key);
    if (!halves) {
      const [head = '', tail = ''] = this.views.render('layouts/main', { ...frame, body: BODY_MARK }, null).split(BODY_MARK);
      halves = [Buffer.from(head), Buffer.from(tail)];
      if (key !== undefined) {
        if (this.kept.size >= LAYOUTS_KEPT) this.kept.clear();
        this.kept.set(key, halves);
      }
    }
    return halves;
  }
}

/** `routes` is the app's route table (it grows as routes register; read at render time). */
export function createPageRenderer(views: ViewRenderer, csrfTokenFor: CsrfTokenFor, routes: readonly RouteInfo[] = []): PageRenderer {
  const frame = (req: Request, res: Response, data: PageData): Record<string, unknown> => {
    const principal = req.principal;
    const flash = req.session?.flash;
    if (flash) delete req.session.flash;
    return {
      ...data,
      principal,
      who: principal?.kind === 'account' ? principal.email : principal?.name,
      roleLabel: principal ? ROLE_LABELS[principal.role] : undefined,
      nav: navigationFor(principal, req.path, routes),
      // Undefined on a static file's error page, which is answered before sessions and cookies are read.
      csrfToken: req.session ? csrfTokenFor(req, res) : undefined,
      flash,
      // Set by http/data-age.ts on the pages that show positions, when their data are old.
      dataAge: res.locals.dataAge,
      requestId: requestIdOf(req),
    };
  };
  const layouts = new LayoutCache(views);
  const send = (res: Response, html: string, status: number): void => {
    // Pages show what one person may see: never kept by a browser or proxy cache.
    res.set('Cache-Control', 'no-store');
    res.status(status).type('html').send(html);
  };
  return {
    page(req, res, view, data, status = 200) {
      send(res, views.render(`pages/${view}`, frame(req, res, data)), status);
    },
    body(view, data) {
      return views.render(`pages/${view}`, data, null);
    },
    pageFrom(req, res, body, data, status = 200) {
      // The layout around a marker, then the body's bytes written between its halves: a cached
      // body is never re-encoded or copied for each request.
      const [head, tail] = layouts.around(frame(req, res, data));
      res.set('Cache-Control', 'no-store');
      res
        .status(status)
        .type('html')
        .setHeader('Content-Length', head.length + body.length + tail.length);
      res.cork();
      res.write(head);
      res.write(body);
      res.end(tail);
    },
    formToken(req, res) {
      return csrfTokenFor(req, res);
    },
  };
}
