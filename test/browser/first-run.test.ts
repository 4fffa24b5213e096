// A first run that reassures, and definitions that stand alone, in the browser as each role meets
// them: the empty install's setup checklist (ticked as steps are done, linked only where the role may
// go), the monthly job waiting on Job runs, one snapshot drawn as a point on an axis scaled to it,
// and the Definitions page linked from every page's foot. axe-clean, no sideways scroll at 1366 and
// 390 px; the empty overview is saved as screenshots to look at.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import type { JobContext } from '../../jobs/context.ts';
import { monthlyReportJob } from '../../jobs/monthly-report.ts';
import { JobRunner } from '../../jobs/runner.ts';
import type { Role } from '../../server/auth/roles.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { setDeadline } from '../../server/programme/deadline.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { browserSuite, axeViolations, DESKTOP, pageProblems, PHONE, screenshot, sidewaysOverflow } from '../helpers/browser.ts';
import { databasesFor } from '../helpers/databases.ts';
import { ROOT } from '../helpers/processes.ts';
import { seedSnapshot } from '../helpers/seed.ts';

const SYSTEM = { kind: 'system', name: 'first-run test' } as const;
const ALPHA = '90-B3-D5-1F-30-01-00-0A';

interface Step {
  title: string;
  href: string | null;
  done: boolean;
  state: string;
}

/** The checklist as a person reads it: each step's title, its link if any, whether it is ticked, and what it says. */
function checklist(page: Page): Promise<Step[]> {
  return page.$$eval('.setup-step', (items) =>
    items.map((li) => ({
      title: li.querySelector('.setup-title')!.childNodes[0]!.textContent!.trim(),
      href: li.querySelector('.setup-title a')?.getAttribute('href') ?? null,
      done: li.querySelector('.setup-mark')!.textContent.trim() === '✓',
      state: li.querySelector('.setup-state')!.textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** Checks a page as it stands at both widths: axe-clean, no sideways scroll. */
async function clean(page: Page, what: string): Promise<void> {
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewport(size);
    assert.deepEqual(await axeViolations(page), [], `axe on ${what} at ${size.width} px`);
    assert.ok((await sidewaysOverflow(page)) <= 1, `${what} scrolls sideways at ${size.width} px`);
  }
  await page.setViewport(DESKTOP);
}

for (const kind of databasesFor('sql')) {
  describe(`a first run in the browser on ${kind.name}`, { skip: kind.skip }, () => {
    const suite = browserSuite(kind, () => Promise.resolve());
    const { sessions } = suite;
    const open = async (role: Role, where: string): Promise<Page> => {
      const page = await sessions.loggedIn(role);
      const response = await page.goto(`${suite.server.url}${where}`);
      assert.equal(response?.status(), 200, `${role} opens ${where}`);
      return page;
    };

    it('SECAS: the empty overview is a setup checklist, nothing done, every step linked to its page', async () => {
      const page = await open('secas', '/');
      const problems = pageProblems(page);
      assert.equal(await page.$eval('#setup-count', (p) => p.textContent), '0 of 5 steps done.');
      assert.deepEqual(await checklist(page), [
        { title: 'Users register', href: '/users', done: false, state: 'To do: Not yet' },
        { title: 'Deadline', href: '/deadline', done: false, state: 'To do: Not yet' },
        { title: 'Declarations', href: '/users/declarations', done: false, state: 'To do: Not yet' },
        { title: 'Allowances', href: '/users/allowances', done: false, state: 'To do: Not yet' },
        { title: 'First snapshot', href: '/snapshots', done: false, state: 'To do: Not yet' },
      ]);
      await clean(page, 'the empty overview');
      await screenshot(page, 'first-run', 'empty-overview-secas-1366');
      await page.setViewport(PHONE);
      await screenshot(page, 'first-run', 'empty-overview-secas-390');
      await page.setViewport(DESKTOP);
      // Each link goes where it says, and the page answers.
      for (const step of await checklist(page)) {
        await Promise.all([page.waitForNavigation(), page.click(`.setup-title a[href="${step.href}"]`)]);
        assert.equal(new URL(page.url()).pathname, step.href);
        assert.doesNotMatch(await page.$eval('h1', (h) => h.textContent ?? ''), /access|not found/i);
        await page.goBack();
      }
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('the Panel and the DCC see the same steps, linked only to the pages their role opens', async () => {
      const panel = await open('panel', '/');
      assert.deepEqual(
        (await checklist(panel)).map((s) => [s.title, s.href]),
        [
          ['Users register', null],
          ['Deadline', '/deadline'],
          ['Declarations', null],
          ['Allowances', null],
          ['First snapshot', null],
        ],
      );
      // Who does an unlinked step is said in words.
      assert.match(await panel.$eval('.setup-step:nth-child(5) .setup-about', (p) => p.textContent ?? ''), /The DCC or SECAS imports it/);
      await clean(panel, "the Panel's empty overview");
      await screenshot(panel, 'first-run', 'empty-overview-panel-390');
      await panel.close();

      const dcc = await open('dcc', '/');
      assert.deepEqual(
        (await checklist(dcc)).map((s) => [s.title, s.href]),
        [
          ['Users register', '/users'],
          ['Deadline', null],
          ['Declarations', '/users/declarations'],
          ['Allowances', '/users/allowances'],
          ['First snapshot', '/snapshots'],
        ],
      );
      await clean(dcc, "the DCC's empty overview");
      await dcc.close();
    });

    it('SECAS sees the monthly report waiting for a first snapshot on Job runs, not failing', async () => {
      const logger = createLogger('silent');
      const config = parseConfig({ DATABASE_URL: suite.t.url, DATA_DIR: suite.server.dataDir });
      const ctx: JobContext = { db: suite.t.db, knex: suite.t.db.knex, config, logger, browser: new BrowserManager(undefined, logger) };
      const runner = new JobRunner(ctx, [monthlyReportJob()], { clock: () => new Date('2026-12-08T10:00:00Z') });
      assert.deepEqual(
        (await runner.catchUp()).map((o) => o.state),
        ['skipped'],
      );
      const page = await open('secas', '/jobs');
      const row = await page.$eval('tbody tr', (tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim()));
      assert.deepEqual(row.slice(1, 5), ['monthly-report', 'report:2026-11', '1', 'skipped']);
      assert.equal(row[6], 'Skipped the November 2026 report: waiting for a first snapshot. It is drafted once one is imported.');
      await clean(page, 'Job runs');
      await screenshot(page, 'first-run', 'job-runs-secas-1366');
      await page.close();
    });

    it('ticks a step once it is done', async () => {
      await importUsers(suite.t.db.knex, readFileSync(path.join(ROOT, 'examples/users.csv')), 'users.csv', SYSTEM);
      const page = await open('dcc', '/');
      assert.equal(await page.$eval('#setup-count', (p) => p.textContent), '1 of 5 steps done.');
      assert.deepEqual(
        (await checklist(page)).map((s) => [s.title, s.done, s.state]),
        [
          ['Users register', true, 'Done: 4 Users named'],
          ['Deadline', false, 'To do: Not yet'],
          ['Declarations', false, 'To do: Not yet'],
          ['Allowances', false, 'To do: Not yet'],
          ['First snapshot', false, 'To do: Not yet'],
        ],
      );
      await clean(page, 'the overview with one step done');
      await screenshot(page, 'first-run', 'one-step-done-dcc-1366');
      await page.close();
    });

    /** The first chart of a page: its date axis, the total's points and how big the first is drawn. */
    const firstChart = async (page: Page) => {
      await page.waitForFunction(() => {
        const canvas = document.querySelector('canvas[data-chart]');
        return canvas !== null && (window as unknown as { Chart: { getChart(c: Element): unknown } }).Chart.getChart(canvas) !== undefined;
      });
      return page.evaluate(() => {
        const canvas = document.querySelector('canvas[data-chart]')!;
        type Scale = { min: number; max: number; ticks: Array<{ label: string }> };
        type Chart = {
          scales: { x: Scale };
          data: { datasets: Array<{ data: Array<{ x: number; y: number }> }> };
          getDatasetMeta(i: number): { data: Array<{ options: { radius: number } }> };
        };
        const chart = (window as unknown as { Chart: { getChart(c: Element): Chart } }).Chart.getChart(canvas);
        return {
          min: chart.scales.x.min,
          max: chart.scales.x.max,
          labels: chart.scales.x.ticks.map((tick) => tick.label),
          total: chart.data.datasets[0]!.data,
          radius: chart.getDatasetMeta(0).data[0]!.options.radius,
        };
      });
    };
    // 27 Nov 2026 is day 20,784 since 1 Jan 1970; 31 Mar 2027 is 124 days later.
    const SNAPSHOT_DAY = Date.UTC(2026, 10, 27) / 86_400_000;
    const DEADLINE_DAY = Date.UTC(2027, 2, 31) / 86_400_000;

    it('draws a single snapshot as a point on an axis of a month around it, on the overview and the User page', async () => {
      assert.deepEqual([SNAPSHOT_DAY, DEADLINE_DAY], [20_784, 20_908]);
      await seedSnapshot(suite.t.db.knex, '2026-11-27', { [ALPHA]: { esme: [90, 60], gsme: [60, 40] } });
      for (const [role, where] of [
        ['panel', '/'],
        ['secas', `/users/${ALPHA}`],
      ] as const) {
        const page = await open(role, where);
        const problems = pageProblems(page);
        const chart = await firstChart(page);
        assert.deepEqual(chart.total, [{ x: SNAPSHOT_DAY, y: 50 }], `${where}: one point, 50 outstanding`);
        // Chart.js alone padded a single day number by 5 % of itself: about three years either side.
        assert.deepEqual([chart.min, chart.max], [SNAPSHOT_DAY - 15, SNAPSHOT_DAY + 15], `${where}: the axis runs 15 days either side`);
        assert.ok(chart.radius >= 5, `${where}: the point is drawn big enough to see (radius ${chart.radius})`);
        assert.ok(
          chart.labels.length >= 3 && chart.labels.every((label) => /^\d{1,2} (Nov|Dec) 2026$/.test(label)),
          `${where}: the ticks name days of November and December 2026: ${chart.labels.join(', ')}`,
        );
        await clean(page, `${where} with one snapshot`);
        await screenshot(page, 'first-run', `one-snapshot-${role}${where === '/' ? '-overview' : '-user'}`);
        assert.deepEqual(problems, []);
        await page.close();
      }
    });

    it('with a deadline, the same point sits on an axis from it to the deadline, in months', async () => {
      await setDeadline(suite.t.db.knex, { deadline: '2027-03-31', decided_on: '2026-11-02', reason: 'Set by the Panel (sample)' }, SYSTEM);
      const page = await open('panel', '/');
      const chart = await firstChart(page);
      assert.ok(chart.min <= SNAPSHOT_DAY && chart.min > SNAPSHOT_DAY - 20, `the axis starts at the snapshot (${chart.min})`);
      assert.ok(chart.max >= DEADLINE_DAY && chart.max < DEADLINE_DAY + 20, `and ends at the deadline (${chart.max})`);
      // Four months: ticks name days, each once (month names alone would say "Jan 2027" twice).
      assert.ok(
        chart.labels.length >= 4 && chart.labels.every((label) => /^\d{1,2} (Nov|Dec|Jan|Feb|Mar|Apr) 202[67]$/.test(label)),
        `the ticks name days up to the deadline: ${chart.labels.join(', ')}`,
      );
      assert.equal(new Set(chart.labels).size, chart.labels.length, chart.labels.join(', '));
      await screenshot(page, 'first-run', 'one-snapshot-deadline-panel-overview');
      await page.close();
    });

    it('every role reaches the Definitions page from the foot of a page, and it is clean', async () => {
      for (const role of ['secas', 'panel', 'dcc'] as const) {
        const page = await open(role, '/');
        await Promise.all([page.waitForNavigation(), page.click('.site-footer a[href="/help/definitions"]')]);
        assert.equal(await page.title(), 'Definitions · backfill-monitor');
        assert.equal(await page.$eval('h1', (h) => h.textContent), 'Definitions');
        const sections = await page.$$eval('main h2', (hs) => hs.map((h) => h.textContent));
        assert.ok(sections.includes('RAG status') && sections.includes('Compliance flags') && sections.includes('Staleness'), sections.join(', '));
        if (role === 'panel') {
          await clean(page, 'the Definitions page');
          await screenshot(page, 'first-run', 'definitions-panel-1366');
        }
        await page.close();
      }
    });
  });
}
