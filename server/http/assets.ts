// Static files: our CSS and browser scripts, and Chart.js straight from node_modules (never a CDN).
import path from 'node:path';
import express, { type Express } from 'express';
import { PUBLIC, type Routes } from '../auth/access.ts';
import { chartJsUmdPath } from '../templates/chart-js.ts';
import { VIEWS_DIR } from '../templates/views.ts';

export function mountAssets(app: Express, routes: Routes): void {
  const options = { maxAge: '1h', index: false, fallthrough: false } as const;
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'public'), options));
  routes.get('/assets-vendor/chart.umd.min.js', PUBLIC, (_req, res) => res.sendFile(chartJsUmdPath(), { maxAge: '1d' }));
}
