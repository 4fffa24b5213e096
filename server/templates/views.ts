// Handlebars rendering shared by the web pages and the PDF report: one set of partials and helpers,
// so a table or a RAG badge looks the same on the dashboard and on paper.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { registerFormatHelpers } from './view-helpers.ts';

/**
 * views/ stays at the package's root, beside the sources and the build alike: this module is
 * server/templates/views.ts in the sources and dist/server/templates/views.js in the build.
 */
export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.ts') ? '../../views' : '../../../views');

export interface ViewRenderer {
  /** Renders views/<template>.hbs, inside views/layouts/<layout>.hbs unless layout is null. */
  render(template: string, data: Record<string, unknown>, layout?: string | null): string;
}

function listTemplates(dir: string, prefix = ''): Array<{ name: string; file: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTemplates(file, `${prefix}${entry.name}/`);
    return entry.name.endsWith('.hbs') ? [{ name: prefix + entry.name.slice(0, -4), file }] : [];
  });
}

export function createViewRenderer(options: { root?: string; cache?: boolean } = {}): ViewRenderer {
  const root = options.root ?? VIEWS_DIR;
  const cache = options.cache ?? true;
  const compiled = new Map<string, Handlebars.TemplateDelegate>();

  const instance = (): typeof Handlebars => {
    const hbs = Handlebars.create();
    registerFormatHelpers(hbs);
    for (const { name, file } of listTemplates(path.join(root, 'partials'))) {
      hbs.registerPartial(name, readFileSync(file, 'utf8'));
    }
    return hbs;
  };
  let hbs = instance();

  const template = (name: string): Handlebars.TemplateDelegate => {
    let fn = cache ? compiled.get(name) : undefined;
    if (!fn) {
      fn = hbs.compile(readFileSync(path.join(root, `${name}.hbs`), 'utf8'), { strict: false, preventIndent: true });
      compiled.set(name, fn);
    }
    return fn;
  };

  return {
    render(name, data, layout = 'main') {
      if (!cache) hbs = instance();
      const body = template(name)(data);
      return layout === null ? body : template(`layouts/${layout}`)({ ...data, body });
    },
  };
}
