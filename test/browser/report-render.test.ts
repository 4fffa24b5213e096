// The monthly report rendered from engine results: what pdftotext reads on each page, names printed
// exactly as written, totals as the engine computed them. Pages saved as PNG to look at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createViewRenderer } from '../../server/templates/views.ts';
import { createLogger } from '../../server/logger.ts';
import { computeProgress } from '../../server/engine/compute-progress.ts';
import type { ProgressAvailable, ProgressResult } from '../../server/engine/types.ts';
import { changeSince, changesSinceLastReport, figuresOf } from '../../server/engine/change.ts';
import { addMonths, lastDayOfMonth } from '../../server/engine/calendar.ts';
import { deadlineDistance } from '../../server/engine/deadline-distance.ts';
import { staleness } from '../../server/engine/staleness.ts';
import { WORKING_DAYS } from '../unit/engine/build-inputs.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { buildReportModel } from '../../server/reports/report-model.ts';
import { pageTemplates, renderReportHtml } from '../../server/reports/report-html.ts';
import { renderPdf } from '../../server/reports/render-pdf.ts';
import { inputsAsOf } from '../unit/engine/scenario-inputs.ts';

const ARTIFACTS = 'test/artifacts';

/** What a report for `month` says of its change: against positions at the month before's end, no words from SECAS. */
function compared(month: string, current: ProgressAvailable, previous: ProgressResult | null) {
  const figures = previous?.status === 'ok' ? figuresOf(previous) : null;
  const before = addMonths(month, -1);
  return {
    paperReference: '',
    comparison: figures ? { kind: 'positions' as const, month: before, factsOn: lastDayOfMonth(before) } : null,
    change: changeSince(current, figures),
    changes: changesSinceLastReport(current, figures, [], []),
    staleness: staleness(current.asOf, figures?.asOf ?? null, lastDayOfMonth(month), WORKING_DAYS, 15),
    deadlineDistance: deadlineDistance(current.deadline, lastDayOfMonth(month), WORKING_DAYS),
    summary: null,
    decisions: null,
    supersedes: null,
  };
}

function positions(askedAsOf: string, rename: Record<string, string>): ProgressAvailable {
  const inputs = inputsAsOf(askedAsOf);
  const result = computeProgress({ ...inputs, register: inputs.register.map((u) => ({ ...u, name: rename[u.userId] ?? u.name })) });
  if (result.status !== 'ok') assert.fail(result.message);
  return result;
}

describe('the monthly report as PDF', () => {
  const browser = new BrowserManager(process.env.CHROME_PATH, createLogger('silent'));
  after(() => browser.close());

  it('prints every page with the marking and "Page X of Y", every User as named, and the engine’s totals', async () => {
    // Names that HTML would mangle if they were not escaped.
    const rename = { '90-B3-D5-1F-30-01-00-0A': 'Alpha & Omega "Energy" <b>Ltd</b>' };
    const current = positions('2018-10-31', rename);
    const previous = positions('2018-09-30', rename);
    const model = buildReportModel({
      month: '2018-10',
      version: 2,
      generatedAt: '2018-11-07 06:00:00.000',
      classification: 'AMBER',
      implementationDate: '2018-06-28',
      rateWindow: 10,
      mapRegisterUsed: false,
      snapshot: {
        id: current.snapshotId,
        asOf: current.asOf,
        fileName: 'smi-inventory-20181026.csv.gz',
        sha256: 'ab'.repeat(32),
        rows: 120_345,
        accepted: 120_300,
        rejected: 45,
        rejections: [{ line: 17, reason: 'prenotified_date "2018-02-30" is not a calendar date' }],
      },
      current,
      ...compared('2018-10', current, previous),
    });
    const html = renderReportHtml(createViewRenderer(), model);
    const { pdf, pages } = await renderPdf(browser, html, pageTemplates(model));
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report-scenario.pdf');
    writeFileSync(file, pdf);

    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const pageTexts = text.split('\f').filter((p) => p.trim());
    assert.equal(pageTexts.length, pages);
    assert.ok(pages >= 6, `cover, summary, users, attention, flags, quality, definitions: ${pages} pages`);
    pageTexts.forEach((page, i) => {
      assert.match(page, /^\s*Classification: AMBER/, `page ${i + 1} starts with the marking`);
      assert.match(page, new RegExp(`BFM-2018-10-v2 · SECMP0011 MAP ID backfill progress\\s+Page ${i + 1} of ${pages}\\s*$`), `page ${i + 1} footer`);
    });
    // Wrapped cells split a name across lines in the layout; read it with the whitespace folded.
    const flat = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(flat, /Alpha & Omega "Energy" <b>Ltd<\/b>/);
    assert.match(text, /Beta Gas & Power/);
    assert.match(text, /90-B3-D5-1F-30-01-00-0C/, 'the unregistered User is listed by its ID');
    const p = current.programme.total;
    const thousands = (n: number) => n.toLocaleString('en-GB');
    assert.match(text, new RegExp(`Meters in scope\\s+${thousands(p.inScope)}`));
    assert.match(text, new RegExp(`MAP IDs outstanding\\s+${thousands(p.outstanding)}`));
    assert.match(text, new RegExp(`MAP IDs backfilled\\s+${thousands(p.completed)}`));
    // % complete worked out here from the counts, not read from the model.
    assert.match(text, new RegExp(`Complete\\s+${((100 * p.completed) / p.inScope).toFixed(1)} %`));
    for (const term of ['Working Day (WD)', '% complete', 'Declared', 'WDs remaining', 'Deadline trajectory', 'RAG status']) {
      assert.match(flat, new RegExp(` ${term.replace(/[()%]/g, '\\$&')} `), `the definitions explain ${term}`);
    }
    assert.match(text, /Progress report, October 2018/);
    assert.match(text, /smi-inventory-20181026\.csv\.gz/);

    execFileSync('pdftoppm', ['-r', '60', '-png', file, path.join(ARTIFACTS, 'report-scenario')]);
  });

  it('gives a RED User its own section with its reason and chart, in embedded installed fonts', async () => {
    // July 2018: positions at 16 Jul; Beta has not moved since 2 Jul with a deadline set → RED "no progress".
    const current = positions('2018-07-31', {});
    const model = buildReportModel({
      month: '2018-07',
      version: 1,
      generatedAt: '2018-08-07 06:00:00.000',
      classification: 'RED',
      implementationDate: '2018-06-28',
      rateWindow: 10,
      mapRegisterUsed: true,
      snapshot: {
        id: current.snapshotId,
        asOf: current.asOf,
        fileName: 'smi-20180716.csv',
        sha256: 'cd'.repeat(32),
        rows: 12_550,
        accepted: 12_550,
        rejected: 0,
        rejections: [],
      },
      current,
      ...compared('2018-07', current, computeProgress(inputsAsOf('2018-06-30'))),
    });
    assert.deepEqual(
      model.attention.map((u) => [u.name, u.rag, u.reason]),
      [['Beta Gas & Power', 'RED', 'no progress']],
    );
    const { pdf, pages } = await renderPdf(browser, renderReportHtml(createViewRenderer(), model), pageTemplates(model));
    const file = path.join(ARTIFACTS, 'report-red.pdf');
    writeFileSync(file, pdf);
    const pageTexts = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f');
    const redPage = pageTexts.findIndex((p) => /Users at RED or AMBER\s+RED first, then AMBER; within each/.test(p)) + 1;
    assert.ok(redPage > 0);
    assert.match(pageTexts[redPage - 1]!, /Beta Gas & Power[\s\S]*RED\s+no progress/);
    assert.match(pageTexts[0]!, /Progress report, July 2018/);
    assert.equal(pageTexts.filter((p) => p.trim()).length, pages);
    // Every font is one the machine has installed, embedded: nothing fell back to a substitute.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    assert.ok(fonts.length >= 2);
    for (const line of fonts) {
      assert.match(line, /^[A-Z]{6}\+(LiberationSans|LiberationSans-Bold|DejaVuSansMono|DejaVuSansMono-Bold|DejaVuSans|DejaVuSans-Bold)\s/, line);
      assert.match(line, /\byes\s+yes\s+(yes|no)\s+\d+/, `embedded: ${line}`);
    }
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', file, path.join(ARTIFACTS, 'report-red-cover')]);
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', String(redPage), '-l', String(redPage), file, path.join(ARTIFACTS, 'report-red-section')]);
  });
});
