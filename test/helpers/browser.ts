// What the browser tests share: the system Chromium, a session per role logged in through the form
// once, axe-core's findings above "minor", sideways scrolling, and screenshots under test/artifacts.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { Role } from '../../server/auth/roles.ts';
import { launchChrome } from '../../server/reports/chrome.ts';
import { addRoleAccounts, emailOf, ROLE_PASSWORD } from './accounts.ts';
import type { DatabaseKind, TestDatabase } from './databases.ts';
import { ROOT } from './processes.ts';
import { startTestServer, type TestServer } from './test-server.ts';

const AXE = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

export const DESKTOP = { width: 1366, height: 768 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export function openBrowser(): Promise<Browser> {
  return launchChrome(process.env.CHROME_PATH);
}

/** Accessibility problems above "minor" on the page as it is now, as "rule (impact) at selectors". */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(o: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }
    ).axe;
    return axe.run({ resultTypes: ['violations'] });
  });
  return result.violations.filter((v) => v.impact !== 'minor').map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** How many pixels the page scrolls sideways at its current viewport (0 when it fits). */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A full-page screenshot under test/artifacts/FOLDER/NAME.png, for a person to look at. */
export async function screenshot(page: Page, folder: string, name: string, fullPage = true): Promise<string> {
  const dir = path.join(ROOT, 'test/artifacts', folder);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/**
 * A browser context per role (no cookies shared with another role's session), logged in through
 * the form at the role's first page; later pages open in the same session. Each page lets axe-core
 * be injected (the app's own pages carry no inline script) and starts at desktop size. The browser
 * and the server's address are read when first needed, so this can be made before they start.
 */
export function roleSessions(browser: () => Browser, serverUrl: () => string): { loggedIn(role: Role): Promise<Page> } {
  const contexts = new Map<Role, Promise<BrowserContext>>();
  async function logIn(role: Role): Promise<BrowserContext> {
    const context = await browser().createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(DESKTOP);
    await page.goto(`${serverUrl()}/login`);
    await page.type('#email', emailOf(role));
    await page.type('#password', ROLE_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    assert.equal(new URL(page.url()).pathname, '/');
    await page.close();
    return context;
  }
  return {
    async loggedIn(role: Role): Promise<Page> {
      if (!contexts.has(role)) contexts.set(role, logIn(role));
      const page = await (await contexts.get(role)!).newPage();
      await page.setBypassCSP(true);
      await page.setViewport(DESKTOP);
      return page;
    },
  };
}

/** Console errors and uncaught exceptions of a page, collected as they happen. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${page.url()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${page.url()}: ${String(err)}`));
  return problems;
}

/**
 * The frame of a browser test file: per database kind, a fresh database seeded by `seed`, the role
 * accounts, a test server and Chromium, all stopped after; `sessions` logs each role in once. Call
 * it inside the `describe` of the kind; read `t`, `server` and `browser` in tests, after `before`.
 */
export function browserSuite(
  kind: DatabaseKind,
  seed: (t: TestDatabase) => Promise<void>,
): { readonly t: TestDatabase; readonly server: TestServer; readonly browser: Browser; sessions: { loggedIn(role: Role): Promise<Page> } } {
  let t: TestDatabase | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    t = await kind.create();
    await seed(t);
    await addRoleAccounts(t.db.knex);
    server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await t?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite has not started: read it inside a test');
    return value;
  };
  return {
    get t() {
      return started(t);
    },
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    sessions: roleSessions(
      () => started(browser),
      () => started(server).url,
    ),
  };
}
