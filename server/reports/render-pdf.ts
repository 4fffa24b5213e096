// Prints a self-contained report page to an A4 PDF. The page must set `window.__reportReady = true`
// once its last chart has drawn; if it does not in time the render fails and nothing is kept —
// a report is never sent with blank charts. Each stage is timed and has its own timeout.
import type { BrowserManager } from './browser.ts';
import { RenderError } from './browser.ts';

export interface PdfOptions {
  /** Chromium header and footer templates (inline styles only; pageNumber/totalPages spans). */
  headerTemplate: string;
  footerTemplate: string;
  timeouts?: Partial<Record<'content' | 'ready' | 'print', number>>;
}

export interface RenderedPdf {
  pdf: Buffer;
  pages: number;
  /** Milliseconds per stage: context, content, ready, print. */
  timings: Record<string, number>;
}

const DEFAULT_TIMEOUTS = { content: 30_000, ready: 20_000, print: 60_000 };

/** Pages in a PDF written by Chromium (one /Type /Page object per page). */
export function countPdfPages(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

async function stage<T>(name: string, timings: Record<string, number>, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } catch (err) {
    if (err instanceof RenderError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new RenderError(`The report could not be rendered (${name}): ${why}`, name);
  } finally {
    timings[name] = Math.round(performance.now() - started);
  }
}

export async function renderPdf(browser: BrowserManager, html: string, options: PdfOptions): Promise<RenderedPdf> {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const timings: Record<string, number> = {};
  const started = performance.now();
  const pdf = await browser.withPage(async (page) => {
    timings.context = Math.round(performance.now() - started);
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    await stage('content', timings, () => page.setContent(html, { waitUntil: 'load', timeout: timeouts.content }));
    await stage('ready', timings, async () => {
      try {
        await page.waitForFunction('window.__reportReady === true', { timeout: timeouts.ready, polling: 50 });
      } catch (err) {
        const why = pageErrors.length ? ` The page reported: ${pageErrors.join('; ')}` : '';
        throw new RenderError(`The report's charts did not finish drawing within ${timeouts.ready} ms, so no PDF was made.${why}`, 'ready', { cause: err });
      }
    });
    return stage('print', timings, async () =>
      Buffer.from(
        await page.pdf({
          format: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: options.headerTemplate,
          footerTemplate: options.footerTemplate,
          margin: { top: '22mm', bottom: '20mm', left: '15mm', right: '15mm' },
          preferCSSPageSize: false,
          timeout: timeouts.print,
        }),
      ),
    );
  });
  return { pdf, pages: countPdfPages(pdf), timings };
}
