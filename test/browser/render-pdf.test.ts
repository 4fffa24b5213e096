// Printing report HTML to PDF in the system Chromium: header and footer on every page, charts drawn
// before printing (or no PDF at all), no network, and recovery when Chromium dies.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TargetType, type Browser } from 'puppeteer-core';
import { chartJsUmdPath } from '../../server/templates/chart-js.ts';
import { pino } from 'pino';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager, RenderError } from '../../server/reports/browser.ts';
import { renderPdf } from '../../server/reports/render-pdf.ts';
import { waitFor } from '../helpers/processes.ts';

const header = '<div style="font-size:9px;width:100%;text-align:center;font-family:DejaVu Sans">AMBER</div>';
const footer =
  '<div style="font-size:9px;width:100%;text-align:center;font-family:DejaVu Sans">Page <span class="pageNumber"></span> of <span class="totalPages"></span> · BFM-TEST</div>';

function pageWithChart(extraBody = ''): string {
  const chartJs = readFileSync(chartJsUmdPath(), 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { font-family: "DejaVu Sans"; } .chart { width: 600px; height: 300px; break-inside: avoid; }
    .page-break { break-before: page; }</style></head><body>
    <h1>Chart page</h1><div class="chart"><canvas id="c" width="600" height="300"></canvas></div>
    <p class="page-break">Second page text</p>${extraBody}
    <script>${chartJs}</script>
    <script>
      new Chart(document.getElementById('c'), { type: 'line', options: { animation: false, responsive: false },
        data: { labels: ['a', 'b', 'c'], datasets: [{ label: 'outstanding', data: [3, 2, 1] }] } });
      requestAnimationFrame(() => { window.__reportReady = true; });
    </script></body></html>`;
}

function pdfText(pdf: Buffer): string {
  const file = path.join(tmpdir(), `bfm-render-${process.pid}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('printing a report page to PDF', () => {
  const browser = new BrowserManager(process.env.CHROME_PATH, createLogger('silent'));
  after(() => browser.close());

  it('prints A4 pages with the marking on top and "Page X of Y" below on every page', async () => {
    const { pdf, pages, timings } = await renderPdf(browser, pageWithChart(), { headerTemplate: header, footerTemplate: footer });
    assert.equal(pages, 2);
    const file = path.join(tmpdir(), `bfm-render-info-${process.pid}.pdf`);
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    assert.match(info, /^Pages:\s+2$/m, 'pdfinfo agrees on the page count');
    assert.match(info, /^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/m);
    const text = pdfText(pdf)
      .split('\f')
      .filter((p) => p.trim());
    assert.equal(text.length, 2);
    text.forEach((page, i) => {
      assert.match(page, /AMBER/);
      assert.match(page, new RegExp(`Page ${i + 1} of 2 · BFM-TEST`));
    });
    assert.ok(
      ['context', 'content', 'ready', 'print'].every((k) => typeof timings[k] === 'number'),
      JSON.stringify(timings),
    );
    mkdirSync('test/artifacts', { recursive: true });
    writeFileSync('test/artifacts/render-pdf-sample.pdf', pdf);
  });

  it('refuses to print a page whose charts never say they are ready', async () => {
    const neverReady = pageWithChart().replace('window.__reportReady = true;', '');
    await assert.rejects(
      renderPdf(browser, neverReady, { headerTemplate: header, footerTemplate: footer, timeouts: { ready: 500 } }),
      (err: unknown) => err instanceof RenderError && err.stage === 'ready' && /did not finish drawing within 500 ms, so no PDF was made/.test(err.message),
    );
  });

  it('names a script error that stopped the charts', async () => {
    const broken = pageWithChart('<script>throw new Error("chart data missing")</script>').replace('window.__reportReady = true;', '');
    await assert.rejects(
      renderPdf(browser, broken, { headerTemplate: header, footerTemplate: footer, timeouts: { ready: 500 } }),
      /The page reported: Error: chart data missing/,
    );
  });

  describe('with a server the page tries to reach', () => {
    let hits = 0;
    let url = '';
    const server = createServer((_req, res) => {
      hits += 1;
      res.end('x');
    });
    before(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it('blocks every network request', async () => {
      const page = pageWithChart(
        `<img src="${url}/tracker.png"><link rel="stylesheet" href="${url}/x.css"><script>fetch("${url}/api").catch(() => {})</script>`,
      );
      const { pages } = await renderPdf(browser, page, { headerTemplate: header, footerTemplate: footer });
      assert.equal(pages, 2);
      assert.equal(hits, 0);
    });
  });

  it('warns when Chromium goes away by itself, and not when it is closed on purpose', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const own = new BrowserManager(process.env.CHROME_PATH, logger);
    await own.pid();
    await own.close();
    assert.deepEqual(lines, []);
    const pid = await own.pid();
    process.kill(pid!, 'SIGKILL');
    // Said once the disconnect reaches this process, which a busy machine may take a while to tell.
    await waitFor(() => Promise.resolve(lines.length > 0 ? true : undefined), 'a warning', 10_000).catch(() => undefined);
    assert.match(lines.join(''), /Chromium disconnected; the next render starts a new one/);
    await own.close();
  });

  it('starts no browser once stopped for good: a render still running as the server stops fails in a sentence', async () => {
    const own = new BrowserManager(process.env.CHROME_PATH, createLogger('silent'));
    await own.pid();
    await own.stop();
    await assert.rejects(own.pid(), /the server is stopping/);
    await assert.rejects(
      renderPdf(own, pageWithChart(), { headerTemplate: header, footerTemplate: footer }),
      (err: unknown) => err instanceof RenderError && err.stage === 'launch' && err.message === 'Chromium could not start: the server is stopping',
    );
  });

  it('says clearly why nothing can render when there is no browser', async () => {
    const none = new BrowserManager('/nonexistent/chromium', createLogger('silent'));
    assert.match(none.unavailableReason() ?? '', /No Chromium or Chrome was found\. Install one \(on Debian: apt-get install -y chromium\) or set CHROME_PATH/);
    await assert.rejects(
      renderPdf(none, pageWithChart(), { headerTemplate: header, footerTemplate: footer }),
      (err: unknown) => err instanceof RenderError && err.stage === 'launch' && /No Chromium or Chrome was found/.test(err.message),
    );
  });

  it('starts a new Chromium after the old one was killed', async () => {
    const pid = await browser.pid();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const { pages } = await renderPdf(browser, pageWithChart(), { headerTemplate: header, footerTemplate: footer });
    assert.equal(pages, 2);
    assert.notEqual(await browser.pid(), pid);
  });

  it('fails a render whose Chromium dies in the middle, and renders the next one', async () => {
    const pid = await browser.pid();
    // The page says it is ready only after 10 s; the kill lands once its content is in (the render
    // then waits for its charts), however long a busy machine took to get there.
    const slow = pageWithChart().replace(
      'requestAnimationFrame(() => { window.__reportReady = true; });',
      'setTimeout(() => { window.__reportReady = true; }, 10000);',
    );
    const rendering = renderPdf(browser, slow, { headerTemplate: header, footerTemplate: footer });
    rendering.catch(() => undefined); // asserted below, once Chromium is killed
    const chromium = await (browser as unknown as { launch(): Promise<Browser> }).launch();
    const target = await chromium.waitForTarget((t) => t.type() === TargetType.PAGE && t.browserContext() !== chromium.defaultBrowserContext(), {
      timeout: 30_000,
    });
    const rendered = await target.page();
    await rendered!.waitForFunction(() => document.querySelector('h1') !== null, { polling: 50, timeout: 30_000 });
    process.kill(pid!, 'SIGKILL');
    await assert.rejects(rendering, RenderError);
    const { pages } = await renderPdf(browser, pageWithChart(), { headerTemplate: header, footerTemplate: footer });
    assert.equal(pages, 2);
  });
});
