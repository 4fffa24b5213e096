// The snapshot upload page in a browser test: hold its upload to a speed, and read its two bars.
import type { Page } from 'puppeteer-core';

/** Holds the page's uploads to `bytesPerSecond`, so that progress can be watched over seconds. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

/** The transfer and import bars' values (0–100), or null while the page is navigating away. */
export function readBars(page: Page): Promise<{ transfer: number; import: number } | null> {
  return page
    .evaluate(() => ({
      transfer: (document.getElementById('transfer-progress') as HTMLProgressElement).value,
      import: (document.getElementById('import-progress') as HTMLProgressElement).value,
    }))
    .catch(() => null);
}
