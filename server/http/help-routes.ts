// Help for the people reading the numbers: GET /help/definitions, docs/definitions.md rendered as a
// page, so the definitions in the repository and on the screen are one text. Read and rendered once,
// when the routes are registered: a document outside the Markdown subset stops the start, naming its line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allow, type Routes } from '../auth/access.ts';
import { ROLES } from '../auth/roles.ts';
import { renderMarkdown } from '../templates/markdown.ts';
import { VIEWS_DIR } from '../templates/views.ts';
import type { RouteContext } from './route-context.ts';

/** docs/ beside views/, from the sources (tsx) and from the build (dist/) alike. */
export const DOCS_DIR = path.resolve(VIEWS_DIR, '../docs');

export const DEFINITIONS_PATH = '/help/definitions';

export function definitionsHtml(): string {
  return renderMarkdown(readFileSync(path.join(DOCS_DIR, 'definitions.md'), 'utf8'));
}

export function registerHelpRoutes(routes: Routes, ctx: RouteContext): void {
  const html = definitionsHtml();
  routes.get(DEFINITIONS_PATH, allow(...ROLES), (req, res) => {
    ctx.pages.page(req, res, 'help', { title: 'Definitions', html, styles: ['help.css'] });
  });
}
