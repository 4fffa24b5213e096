// Where Chart.js's browser build is: served to pages (server/http/assets.ts) and inlined into the
// report's HTML (about:blank, where Chromium renders it, cannot load a file).
import { createRequire } from 'node:module';
import path from 'node:path';

/** Chart.js's package exports hide the UMD build; it sits beside the package's main file. */
export function chartJsUmdPath(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(main), 'chart.umd.min.js');
}
