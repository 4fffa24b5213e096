// npm run bench:report — how long one monthly report takes to render, cold and warm, for a
// 60-User programme with 18 months of fortnightly snapshots, beside the time a cold
// `chromium --headless --print-to-pdf` takes to print the same HTML saved as a file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { findChrome } from '../../server/reports/chrome.ts';
import { createViewRenderer } from '../../server/templates/views.ts';
import { createLogger } from '../../server/logger.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { generateReport } from '../../server/reports/generate-report.ts';
import { renderReportHtml } from '../../server/reports/report-html.ts';
import { SNAPSHOTS, USERS, seedBenchProgramme } from '../shared/seed-programme.ts';

const MONTH = '2019-12';

function rssOfTree(rootPid: number): number {
  // Chromium's browser process and every descendant (renderers, GPU, utility).
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const inTree = (pid: number): boolean => pid === rootPid || (parents.has(pid) && pid !== 1 && inTree(parents.get(pid)!));
  let kb = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb * 1024;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const chrome = findChrome(process.env.CHROME_PATH);
  if (!chrome) throw new Error('No Chromium found (set CHROME_PATH)');
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-bench-report-'));
  const db = openDatabase(`sqlite:${path.join(dir, 'bench.sqlite')}`);
  const logger = createLogger('silent');
  const browser = new BrowserManager(chrome, logger);
  try {
    await migrateLatest(db);
    await seedBenchProgramme(db.knex);
    const services = { knex: db.knex, views: createViewRenderer(), browser, logger };
    const actor = { kind: 'system' as const, name: 'bench' };
    let peakNode = 0;
    let peakChrome = 0;
    const sampler = setInterval(() => {
      peakNode = Math.max(peakNode, process.memoryUsage().rss);
      void browser.pid().then((pid) => {
        if (pid) peakChrome = Math.max(peakChrome, rssOfTree(pid));
      });
    }, 50);

    let started = performance.now();
    const cold = await generateReport(services, MONTH, actor);
    const coldMs = performance.now() - started;
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      started = performance.now();
      await generateReport(services, MONTH, actor);
      warm.push(performance.now() - started);
    }
    clearInterval(sampler);
    warm.sort((a, b) => a - b);
    const warmMedian = warm[Math.floor(warm.length / 2)]!;

    // The same HTML as a static file, printed by a cold Chromium (charts draw on load; no ready flag to wait for).
    const html = path.join(dir, 'report.html');
    writeFileSync(html, renderReportHtml(services.views, cold.model));
    const statics: number[] = [];
    for (let i = 0; i < 3; i++) {
      started = performance.now();
      const out = path.join(dir, `static-${i}.pdf`);
      const result = spawnSync(
        chrome,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          `--user-data-dir=${path.join(dir, `profile-${i}`)}`,
          '--no-pdf-header-footer',
          `--print-to-pdf=${out}`,
          `file://${html}`,
        ],
        { stdio: 'ignore' },
      );
      if (result.status !== 0) throw new Error(`chromium --print-to-pdf exited ${result.status}`);
      statics.push(performance.now() - started);
    }
    statics.sort((a, b) => a - b);
    const staticMedian = statics[1]!;

    const pages = cold.report.pages;
    const counts = execFileSync('du', ['-b', path.join(dir, 'bench.sqlite')], { encoding: 'utf8' }).split('\t')[0];
    console.log(`Monthly report ${MONTH}: ${USERS} Users, ${SNAPSHOTS} fortnightly snapshots, ${pages} pages (database ${mb(Number(counts))})`);
    console.log(`  cold render (Chromium launch + data + HTML + PDF)   ${s(coldMs)}`);
    console.log(`  warm render, median of ${warm.length}                      ${s(warmMedian)}   (best ${s(warm[0]!)})`);
    const last = (await db.knex('reports').orderBy('id', 'desc').first()) as { timings: string };
    console.log(`  stages of the last warm render (ms)                ${last.timings}`);
    console.log(`  chromium --headless --print-to-pdf, cold, median    ${s(staticMedian)}   (of ${statics.map(s).join(', ')})`);
    console.log(`  warm render / static cold print                     ${(warmMedian / staticMedian).toFixed(2)}×   (goal ≤ 1.00×)`);
    console.log(`  peak RSS: Node ${mb(peakNode)}, Chromium ${mb(peakChrome)} (summed over its processes, shared pages counted in each)`);
  } finally {
    await browser.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
