// Renders a page inside the layout with what every page needs: who is logged in, the navigation
// for their role, the CSRF token for forms, a one-shot message.
import type { Request, Response } from 'express';
import type { RouteInfo } from '../auth/access.ts';
import { ROLE_LABELS } from '../auth/roles.ts';
import { navigationFor } from '../frame/pages.ts';
import type { ViewRenderer } from './views.ts';
import { requestIdOf } from './request-id.ts';

export type CsrfTokenFor = (req: Request) => string;

export interface PageRenderer {
  page(req: Request, res: Response, view: string, data: Record<string, unknown> & { title: string }, status?: number): void;
}

/** `routes` is the app's route table (it grows as routes register; read at render time). */
export function createPageRenderer(views: ViewRenderer, csrfTokenFor: CsrfTokenFor, routes: readonly RouteInfo[] = []): PageRenderer {
  return {
    page(req, res, view, data, status = 200) {
      const principal = req.principal;
      const flash = req.session?.flash;
      if (flash) delete req.session.flash;
      const html = views.render(`pages/${view}`, {
        ...data,
        principal,
        who: principal?.kind === 'account' ? principal.email : principal?.name,
        roleLabel: principal ? ROLE_LABELS[principal.role] : undefined,
        nav: navigationFor(principal, req.path, routes),
        csrfToken: req.session ? csrfTokenFor(req) : undefined,
        flash,
        requestId: requestIdOf(req),
      });
      res.status(status).type('html').send(html);
    },
  };
}
