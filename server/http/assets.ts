// Static files: our CSS and browser scripts, and Chart.js straight from node_modules (never a CDN).
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import { PUBLIC, type Routes } from '../auth/access.ts';
import { VIEWS_DIR } from './views.ts';

/** Chart.js's package exports hide the UMD build; it sits beside the package's main file. */
export function chartJsUmdPath(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(main), 'chart.umd.min.js');
}

export function mountAssets(app: Express, routes: Routes): void {
  const options = { maxAge: '1h', index: false, fallthrough: false } as const;
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'public'), options));
  routes.get('/assets-vendor/chart.umd.min.js', PUBLIC, (_req, res) => res.sendFile(chartJsUmdPath(), { maxAge: '1d' }));
}
