// The app's sections until their issues fill them: each says what it will hold.
import type { Routes } from '../auth/access.ts';
import type { PageRenderer } from '../http/render.ts';
import { SECTIONS } from './pages.ts';

/** Registers a placeholder for each section whose page no module has registered yet. */
export function registerFrameRoutes(routes: Routes, pages: PageRenderer): void {
  for (const section of SECTIONS) {
    if (routes.list.some((r) => r.method === 'get' && r.path === section.path)) continue;
    routes.get(section.path, section.access, (req, res) => {
      pages.page(req, res, 'placeholder', { title: section.title, comingSoon: section.comingSoon });
    });
  }
}
