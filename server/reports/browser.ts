// One Chromium per process for rendering reports: launched on first use, relaunched after a crash
// or disconnect, a fresh browser context per render closed in `finally`, and every network request
// blocked (a report page carries everything it needs inline). With no browser on the machine the
// rest of the app runs on; only rendering fails, with a sentence saying why.
import type { Browser, Page } from 'puppeteer-core';
import { BrowserNotFoundError, findChrome, launchChrome } from './chrome.ts';
import type { Logger } from '../logger.ts';

export class RenderError extends Error {
  constructor(
    message: string,
    readonly stage: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RenderError';
  }
}

export class BrowserManager {
  private browser: Promise<Browser> | null = null;
  /** Browsers we are closing ourselves: their disconnect is expected, not news. */
  private readonly closing = new WeakSet<Browser>();
  private stopped = false;

  constructor(
    private readonly chromePath: string | undefined,
    private readonly logger: Logger,
  ) {}

  /** Why reports cannot render here, or null when a browser was found. */
  unavailableReason(): string | null {
    return findChrome(this.chromePath) ? null : new BrowserNotFoundError().message;
  }

  private launch(): Promise<Browser> {
    // A render still running as the server stops (a scheduled report) must not start a browser
    // that nothing would close, and that would keep the process alive.
    if (this.stopped) return Promise.reject(new Error('the server is stopping'));
    this.browser ??= launchChrome(this.chromePath).then(
      (browser) => {
        browser.once('disconnected', () => {
          if (this.closing.has(browser)) return;
          this.logger.warn('Chromium disconnected; the next render starts a new one');
          this.browser = null;
        });
        return browser;
      },
      (err: unknown) => {
        this.browser = null;
        throw err;
      },
    );
    return this.browser;
  }

  /** The running browser's process id, for tests and diagnostics. */
  async pid(): Promise<number | undefined> {
    return (await this.launch()).process()?.pid;
  }

  /** Runs `work` on a new page in a fresh, isolated context that allows no network access. */
  async withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
    let browser: Browser;
    try {
      browser = await this.launch();
    } catch (err) {
      if (err instanceof BrowserNotFoundError) throw new RenderError(err.message, 'launch');
      throw new RenderError(`Chromium could not start: ${err instanceof Error ? err.message : String(err)}`, 'launch');
    }
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = request.url();
        // The page may close while a request is answered; that is no failure of the render.
        const answered = url.startsWith('data:') || url === 'about:blank' ? request.continue() : request.abort('blockedbyclient');
        answered.catch(() => undefined);
      });
      return await work(page);
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  /** For good, as the server stops: a render still running afterwards fails instead of starting a browser. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.close();
  }

  /** Closes the running browser; the next render starts another. */
  async close(): Promise<void> {
    const pending = this.browser;
    this.browser = null;
    const browser = pending ? await pending.catch(() => null) : null;
    if (!browser) return;
    this.closing.add(browser);
    await browser.close().catch(() => undefined);
  }
}
