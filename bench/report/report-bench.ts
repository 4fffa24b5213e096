// npm run bench:report — how long one monthly report takes to render, cold and warm, for a
// 60-User programme with 18 months of fortnightly snapshots, beside the time a cold
// `chromium --headless --print-to-pdf` takes to print the same HTML saved as a file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db/connection.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { findChrome } from '../../server/browser/chrome.ts';
import { createViewRenderer } from '../../server/http/views.ts';
import { createLogger } from '../../server/logger.ts';
import { addDays } from '../../server/progress/calendar.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { generateReport } from '../../server/reports/generate-report.ts';
import { renderReportHtml } from '../../server/reports/report-html.ts';

const USERS = 60;
const SNAPSHOTS = 39; // fortnightly over 18 months
const MONTH = '2019-12';

/** A deterministic pseudo-random sequence, so every run benchmarks the same programme. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

async function seed(knex: ReturnType<typeof openDatabase>['knex']): Promise<void> {
  const rnd = random(42);
  const at = '2018-07-01 00:00:00.000';
  const users = Array.from({ length: USERS }, (_, i) => {
    const id = `90-B3-D5-1F-30-01-${(i >> 8).toString(16).padStart(2, '0').toUpperCase()}-${(i & 255).toString(16).padStart(2, '0').toUpperCase()}`;
    // Skewed sizes: a few large suppliers, many small ones.
    const size = Math.round(2_000_000 / (i + 1) ** 1.3) + 500;
    return { id, name: `Supplier ${i + 1} & Co`, size, speed: 0.02 + rnd() * 0.08 };
  });
  await knex('dcc_users').insert(users.map((u) => ({ user_id: u.id, name: u.name, registered: true, created_at: at, updated_at: at })));
  await knex('deadlines').insert({ deadline: '2020-06-30', decided_on: '2018-07-20', reason: 'Panel decision', recorded_by: 'bench', recorded_at: at });
  for (const u of users) {
    await knex('declarations').insert({ user_id: u.id, count: u.size, received_on: '2018-07-04', recorded_by: 'bench', recorded_at: at }).catch(() => undefined);
    await knex('allowances').insert({ user_id: u.id, per_day: Math.ceil(u.size / 300), effective_from: '2018-07-16', confirmed_on: '2018-07-10', recorded_by: 'bench', recorded_at: at });
  }
  let asOf = '2018-07-02';
  for (let s = 0; s < SNAPSHOTS; s++) {
    const [id] = await knex('snapshots').insert({
      as_of: asOf, sha256: String(s).padStart(64, '0'), file_name: `smi-${asOf}.csv.gz`, byte_size: 1, gzip: true, archive_path: 'x',
      rows: 9_000_000, accepted: 8_999_990, rejected: 10, source: 'cli', uploaded_by: 'bench', imported_at: `${asOf} 12:00:00.000`,
    });
    const rows = users.flatMap((u) => {
      const done = Math.min(1, u.speed * s);
      const esme = Math.round(u.size * 0.6);
      const gsme = u.size - esme;
      return [
        { snapshot_id: id, user_id: u.id, fuel: 'ESME', in_scope: esme, completed: Math.round(esme * done), invalid: 0, new_missing: 0 },
        { snapshot_id: id, user_id: u.id, fuel: 'GSME', in_scope: gsme, completed: Math.round(gsme * done), invalid: 0, new_missing: 0 },
      ];
    });
    for (let i = 0; i < rows.length; i += 200) await knex('snapshot_counts').insert(rows.slice(i, i + 200));
    asOf = addDays(asOf, 14);
  }
}

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
    await seed(db.knex);
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
      const result = spawnSync(chrome, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${path.join(dir, `profile-${i}`)}`, '--no-pdf-header-footer', `--print-to-pdf=${out}`, `file://${html}`], { stdio: 'ignore' });
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
