// Finds and launches the system Chromium (or Chrome) for PDF rendering and browser tests.
// Puppeteer never downloads a browser here: the machine's own is used, or CHROME_PATH names one.
import { accessSync, constants } from 'node:fs';
import type { Browser } from 'puppeteer-core';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Flags that keep a headless Chromium quiet on a machine with no internet and no GPU. */
export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--font-render-hinting=none',
];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROME_PATH when given, else the first browser found in the usual places, else null. */
export function findChrome(chromePath?: string): string | null {
  if (chromePath) return executable(chromePath) ? chromePath : null;
  return CANDIDATES.find(executable) ?? null;
}

export class BrowserNotFoundError extends Error {
  constructor() {
    super('No Chromium or Chrome was found. Install one (on Debian: apt-get install -y chromium) or set CHROME_PATH to its executable.');
    this.name = 'BrowserNotFoundError';
  }
}

export async function launchChrome(chromePath?: string): Promise<Browser> {
  const executablePath = findChrome(chromePath);
  if (!executablePath) throw new BrowserNotFoundError();
  // Loaded on the first launch, not with the server: Puppeteer is about 26 MB of memory (11 MB of
  // it JavaScript heap) that a web process which has not yet rendered a PDF does not need, and
  // loading it at start-up grew the heap's young generation to its largest, which it then kept.
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({ executablePath, headless: true, args: CHROME_ARGS });
}
