// Issue 4: "No number is computed in a route, a template or SQL beyond the counts: grep proves it."
// Every figure a person sees comes from the progress engine (server/engine), so the dashboard,
// the API, the CLI and the PDF cannot disagree. This reads the code itself:
// - route modules (server/**/routes.ts, *-routes.ts, *-route.ts), parsed with the TypeScript
//   compiler so that a `-` in a string or a comment does not count: this have no arithmetic,
//   Math.* or reduce at all; no route module has any over a figure (paging is not a figure);
// - templates (views/**/*.hbs): no helper but the built-in ones and the formatting helpers, and
//   Handlebars has no arithmetic of its own;
// - SQL (knex calls and raw SQL anywhere in server/, db/ and jobs/): no sum or average, and no
//   arithmetic in raw SQL. Counting rows (count) is allowed: those are the counts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Files under a folder of the project, as paths relative to it, sorted. */
function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(path.join(ROOT, folder), { withFileTypes: true })) {
      const file = path.posix.join(folder, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.isFile() && keep(file)) found.push(file);
    }
  };
  visit(dir);
  return found.sort();
}

function sourceOf(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const where = (source: ts.SourceFile, node: ts.Node): string =>
  `${source.fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}: ${node.getText(source).slice(0, 80)}`;

const ARITHMETIC = new Set([
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.AsteriskToken,
  ts.SyntaxKind.AsteriskAsteriskToken,
  ts.SyntaxKind.SlashToken,
  ts.SyntaxKind.PercentToken,
  ts.SyntaxKind.PlusEqualsToken,
  ts.SyntaxKind.MinusEqualsToken,
  ts.SyntaxKind.AsteriskEqualsToken,
  ts.SyntaxKind.SlashEqualsToken,
  ts.SyntaxKind.PercentEqualsToken,
]);

/** A `+` that joins text: one side is a string or template literal, or itself such a join. */
function joinsText(node: ts.Expression): boolean {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isParenthesizedExpression(node)) return joinsText(node.expression);
  return ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && (joinsText(node.left) || joinsText(node.right));
}

/**
 * The names the figures go by — the engine's (SPEC §3.2, §4.2) and the stored counts' columns. Any
 * arithmetic, Math.* or reduce over one of them in a route module is a figure worked out there.
 */
const FIGURES = new Set([
  'inScope',
  'in_scope',
  'completed',
  'invalid',
  'outstanding',
  'newMissing',
  'new_missing',
  'total',
  'esme',
  'gsme',
  'completionPct',
  'baseline',
  'declared',
  'allowance',
  'perDay',
  'per_day',
  'count',
  'actualRate',
  'requiredRate',
  'rate',
  'wdRemaining',
  'projectedCompletion',
  'history',
  'trajectory',
  'ragCounts',
  'flagCounts',
  'users',
  'programme',
  'positions',
]);

function namesIn(node: ts.Node): string[] {
  const names: string[] = [];
  walk(node, (inner) => {
    if (ts.isIdentifier(inner)) names.push(inner.text);
  });
  return names;
}

/** Arithmetic, Math.* and reduce in a module: every one, or only those over a figure. */
function arithmeticIn(file: string, only: 'all' | 'figures'): string[] {
  const source = sourceOf(file);
  const found: string[] = [];
  const report = (node: ts.Node, operands: ts.Node): void => {
    if (only === 'all' || namesIn(operands).some((name) => FIGURES.has(name))) found.push(where(source, node));
  };
  walk(source, (node) => {
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind;
      if (ARITHMETIC.has(kind) || (kind === ts.SyntaxKind.PlusToken && !joinsText(node))) report(node, node);
    } else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      [ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken].includes(node.operator)
    ) {
      report(node, node);
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && !ts.isNumericLiteral(node.operand)) {
      report(node, node);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const callee = node.expression;
      const math = ts.isIdentifier(callee.expression) && callee.expression.text === 'Math';
      if (math || ['reduce', 'reduceRight'].includes(callee.name.text)) report(node, node);
    }
  });
  return found;
}

/** routes.ts, settings-routes.ts, csv-import-route.ts, … */
const ROUTE_FILE = /(^|-)routes?\.ts$/;

/** Every helper a template calls (not plain values or partials), with its line. */
function helpersUsed(template: string): Array<{ name: string; line: number }> {
  const used: Array<{ name: string; line: number }> = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const statement = node as {
      type?: string;
      path?: { type?: string; original?: string };
      params?: unknown[];
      hash?: unknown;
      loc?: { start: { line: number } };
    };
    const calls =
      ['SubExpression', 'BlockStatement'].includes(statement.type ?? '') ||
      (statement.type === 'MustacheStatement' && ((statement.params?.length ?? 0) > 0 || Boolean(statement.hash)));
    if (calls && statement.path?.type === 'PathExpression') used.push({ name: statement.path.original ?? '', line: statement.loc?.start.line ?? 0 });
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(Handlebars.parse(template));
  return used;
}

/** knex aggregate builders (sum, avg) and raw SQL with SUM, AVG or an arithmetic operator. */
function sqlArithmeticIn(source: ts.SourceFile): string[] {
  const found: string[] = [];
  walk(source, (node) => {
    if (ts.isPropertyAccessExpression(node) && ['sum', 'sumDistinct', 'avg', 'avgDistinct'].includes(node.name.text) && ts.isCallExpression(node.parent)) {
      found.push(where(source, node.name));
    }
    // Raw SQL: text handed to knex.raw, whereRaw, selectRaw, … or any text that reads as a query.
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) {
      const text = node.getText(source);
      const call = ts.isCallExpression(node.parent) && ts.isPropertyAccessExpression(node.parent.expression) ? node.parent.expression.name.text : '';
      const looksLikeSql = /^raw$|Raw$/.test(call) || /^.(select|update|insert|delete)\s/i.test(text);
      const sql = text.slice(1, -1).replace(/\$\{[^}]*\}/g, '?');
      if (looksLikeSql && (/\b(sum|avg)\s*\(/i.test(sql) || /[\w)?]\s*[-+*/]\s*[\w(?]/.test(sql))) found.push(where(source, node));
    }
  });
  return found;
}

describe('one computation: no figure is worked out outside the progress engine', () => {
  const routeFiles = filesUnder('server', (file) => ROUTE_FILE.test(path.basename(file)));

  it('finds the route modules it checks, this issue’s among them', () => {
    for (const file of [
      'server/programme/routes.ts',
      'server/programme/deadline-routes.ts',
      'server/programme/users-routes.ts',
      'server/programme/settings-routes.ts',
      'server/progress/progress-api-routes.ts',
      'server/programme/csv-import-route.ts',
    ]) {
      assert.ok(routeFiles.includes(file), file);
    }
  });

  it('has no arithmetic at all in this issue’s route modules', () => {
    assert.deepEqual(
      routeFiles.filter((file) => file.startsWith('server/programme/') || file.startsWith('server/progress/')).flatMap((file) => arithmeticIn(file, 'all')),
      [],
    );
  });

  it('works out no figure in any route module (paging and time limits are not figures)', () => {
    assert.deepEqual(
      routeFiles.flatMap((file) => arithmeticIn(file, 'figures')),
      [],
    );
  });

  it('would catch a figure worked out in a route (the check itself is checked)', () => {
    const file = 'test/unit/programme/fixtures/figures-in-a-route.ts';
    assert.deepEqual(
      arithmeticIn(file, 'figures').map((finding) => finding.replace(/^.*?:\d+: /, '')),
      [
        '(100 * user.total.completed) / user.total.inScope',
        '100 * user.total.completed',
        'users.reduce((sum, u) => sum + u.total.outstanding, 0)',
        'sum + u.total.outstanding',
        'Math.round(position.actualRate)',
      ],
    );
    assert.equal(arithmeticIn(file, 'all').length, 7, 'and every operator, paging included, where none is allowed');
  });

  const BUILT_IN = ['if', 'unless', 'each', 'with', 'lookup', 'log'];
  // Formatting only (server/http/view-helpers.ts): numbers with separators, dates, signs — and eq.
  const FORMATTING = ['eq', 'formatDate', 'formatInstant', 'formatMonth', 'formatNumber', 'formatSigned'];

  it('registers only formatting helpers for templates', () => {
    const helpers = filesUnder('server', (file) => file.endsWith('.ts')).flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/registerHelper\(\s*'([^']+)'/g)].map((m) => m[1]!),
    );
    assert.deepEqual([...new Set(helpers)].sort(), FORMATTING);
  });

  it('uses no other helper in any template', () => {
    const allowed = new Set([...BUILT_IN, ...FORMATTING]);
    const unknown = filesUnder('views', (f) => f.endsWith('.hbs')).flatMap((file) =>
      helpersUsed(readFileSync(path.join(ROOT, file), 'utf8'))
        .filter(({ name }) => !allowed.has(name))
        .map(({ name, line }) => `${file}:${line}: ${name}`),
    );
    assert.deepEqual(unknown, []);
    // The check itself: a helper that could do sums is seen, wherever it is called from.
    const sample = '{{formatNumber (subtract a b) 1}} {{#each (sum rows)}}{{/each}} {{percent done total}} {{plain}} {{> partial x=y}}';
    assert.deepEqual(
      helpersUsed(sample).map(({ name }) => name),
      ['formatNumber', 'subtract', 'each', 'sum', 'percent'],
    );
  });

  it('asks SQL for no sum, average or arithmetic — only the counts as stored, and counts of rows', () => {
    const files = ['server', 'db', 'jobs'].flatMap((dir) => filesUnder(dir, (file) => file.endsWith('.ts') && !file.startsWith('server/engine/')));
    assert.deepEqual(
      files.flatMap((file) => sqlArithmeticIn(sourceOf(file))),
      [],
    );
    // The check itself.
    const sample = ts.createSourceFile(
      'sample.ts',
      "knex('c').sum('in_scope'); knex.raw('select in_scope - completed from c'); knex('c').whereRaw(`x = ${y} * 2`); knex('c').count({ n: '*' }); knex.raw('select 1');",
      ts.ScriptTarget.ES2022,
      true,
    );
    assert.deepEqual(
      sqlArithmeticIn(sample).map((finding) => finding.replace(/^.*?:\d+: /, '')),
      ['sum', "'select in_scope - completed from c'", '`x = ${y} * 2`'],
    );
  });
});
