// The report as one self-contained HTML document (CSS, Chart.js and chart data inline: the page is
// printed from about:blank with the network blocked), plus Chromium's header and footer templates.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartJsUmdPath } from '../templates/chart-js.ts';
import { VIEWS_DIR, type ViewRenderer } from '../templates/views.ts';
import type { ReportModel } from './report-model.ts';

let assets: { css: string; chartJs: string; progressChartJs: string; readyJs: string } | undefined;

function reportAssets(): NonNullable<typeof assets> {
  assets ??= {
    css: readFileSync(path.join(VIEWS_DIR, 'report/report.css'), 'utf8'),
    chartJs: readFileSync(chartJsUmdPath(), 'utf8'),
    progressChartJs: readFileSync(path.join(VIEWS_DIR, 'public/progress-chart.js'), 'utf8'),
    readyJs: readFileSync(path.join(VIEWS_DIR, 'report/report-ready.js'), 'utf8'),
  };
  return assets;
}

/** JSON safe inside a <script> element: no "</script>" or "<!--" can close or confuse it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderReportHtml(views: ViewRenderer, model: ReportModel): string {
  return views.render('report/report', { ...model, ...reportAssets(), chartJson: scriptJson(model.charts) }, null);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const TEMPLATE_STYLE = 'font-family:"Liberation Sans","DejaVu Sans",Arial,sans-serif;font-size:8pt;width:100%;margin:0 15mm;color:#0b0c0c;';

/** Chromium's page header and footer: inline styles only, the marking on top, the page count below. */
export function pageTemplates(model: Pick<ReportModel, 'classification' | 'reference' | 'month'>): { headerTemplate: string; footerTemplate: string } {
  return {
    // Plain words, no box or fill, so the marking cannot be taken for a RAG tag.
    headerTemplate: `<div style='${TEMPLATE_STYLE}text-align:center;'><span style="font-weight:700;letter-spacing:0.04em;">Classification: ${escapeHtml(model.classification)}</span></div>`,
    footerTemplate:
      `<div style='${TEMPLATE_STYLE}display:flex;justify-content:space-between;'>` +
      `<span>${escapeHtml(model.reference)} · SECMP0011 MAP ID backfill progress</span>` +
      `<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
  };
}
