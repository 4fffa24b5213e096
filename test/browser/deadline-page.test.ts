// The deadline page answers the Panel's question, in the browser, on SQLite and MariaDB: the
// earliest feasible deadline as a date naming the Users it leaves out, and the what-if — each
// User's status now and under a proposed date (and allowances ×1.5) side by side, who changes, RED
// first, the Working Days said once, and a chart drawn. SECAS records a deadline and tries the
// allowances alone against it. Every page is axe-clean and does not scroll sideways at 390 px.
//
// The programme, worked by hand (Working Days: no bank holiday falls between 4 Jan and 1 Mar 2021).
// Snapshots Mon 2021-01-04 (S1) and Mon 2021-01-18 (S2, t): 10 WD apart (5–8, 11–15, 18 Jan), which
// is the rate window, so each rate is (outstanding at S1 − at S2) / 10. Allowances confirmed 4 Jan.
//
//   User             allowance  out S1  out S2  rate/WD  projected (addWd(t, ceil(out / rate)))
//   Acme Power           —       1,000     800     20    40 WD → Mon 2021-03-15
//   Bright Gas           —         500     500      0    —
//   Coral Energy        100      3,950   2,950    100    30 WD → Mon 2021-03-01
//   Delta Supply         50        700     600     10    60 WD → Wed 2021-04-14 (2 and 5 Apr are holidays)
//   Ember Utilities      —         100       0      —    complete
//   Granite Energy       40        400     200     20    10 WD → Mon 2021-02-01
//
// WD after t: 19–22 and 25–29 Jan = 9; 15 Feb = 20; February 20 → Fri 26 Feb = 29; Mon 1 Mar = 30;
// 2–5 and 8–12 Mar → 39, Mon 15 Mar = 40; 31 Mar = 52; Thu 1 Apr 53, 6–9 Apr → 57, Wed 14 Apr = 60.
//
// Earliest feasible (each User with an allowance at it): Coral 2,950 / 100 = 30 WD → 1 Mar 2021;
// Delta 600 / 50 = 12 → 3 Feb; Granite 200 / 40 = 5 → 25 Jan. Acme and Bright have MAP IDs
// outstanding and no allowance: left out. So "1 Mar 2021, leaving out Acme Power and Bright Gas
// (no allowance)", set by Coral Energy.
//
// Now (deadline in force Wed 2021-06-30): everyone projects on or before it, none needs more than
// its allowance: GREEN but Bright (RED no progress). RED 1 · AMBER 0 · GREEN 5.
//
// What if 15 Feb 2021 (20 WD): Coral needs 2,950 / 20 = 147.5 > 100 → RED; Acme (no allowance,
// projected 15 Mar) and Delta (needs 30 ≤ 50, projected 14 Apr) → AMBER projected after deadline;
// Granite needs 10 ≤ 40 and projects 1 Feb → GREEN. RED 2 · AMBER 2 · GREEN 2. Three change. RED
// first, each by outstanding: Coral 2,950, Bright 500; Acme 800, Delta 600; Granite 200, Ember 0.
//
// … and every allowance × 1.5: Coral 150 ≥ 147.5, so AMBER (projected 1 Mar); Delta 75, Granite 60.
// RED 1 · AMBER 3 · GREEN 2; Coral, Acme and Delta change, each GREEN → AMBER. Earliest feasible:
// Coral ceil(2,950 / 150) = 20 WD → 15 Feb; Delta 8 → 28 Jan; Granite 4 → 22 Jan: 15 Feb 2021.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { insertAllowance } from '../../db/queries/allowances.ts';
import { browserSuite, axeViolations, pageProblems, PHONE, screenshot, sidewaysOverflow, DESKTOP } from '../helpers/browser.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';

const id = (n: number): string => `90-B3-D5-1F-30-01-00-${(0x40 + n).toString(16).toUpperCase()}`;
const USERS = [
  { userId: id(1), name: 'Acme Power', allowance: null, s1: 1000, s2: 800 },
  { userId: id(2), name: 'Bright Gas', allowance: null, s1: 500, s2: 500 },
  { userId: id(3), name: 'Coral Energy', allowance: 100, s1: 3950, s2: 2950 },
  { userId: id(4), name: 'Delta Supply', allowance: 50, s1: 700, s2: 600 },
  { userId: id(5), name: 'Ember Utilities', allowance: null, s1: 100, s2: 0 },
  { userId: id(6), name: 'Granite Energy', allowance: 40, s1: 400, s2: 200 },
];
const IN_SCOPE = 5000;

async function seedProgramme(t: TestDatabase): Promise<void> {
  await seedUsers(
    t.db.knex,
    USERS.map(({ userId, name }) => ({ userId, name })),
  );
  await seedDeadline(t.db.knex, '2021-06-30', 'Panel meeting 80, minute 3');
  for (const [asOf, key] of [
    ['2021-01-04', 's1'],
    ['2021-01-18', 's2'],
  ] as const) {
    await seedSnapshot(t.db.knex, asOf, Object.fromEntries(USERS.map((u) => [u.userId, { esme: [IN_SCOPE, IN_SCOPE - u[key]] as [number, number] }])));
  }
  for (const u of USERS) {
    if (u.allowance !== null)
      await insertAllowance(t.db.knex, { userId: u.userId, perDay: u.allowance, effectiveFrom: '2021-01-04', confirmedOn: '2021-01-04' }, 'seed');
  }
}

/** The text of an element as a person reads it (a line break is a space), spaces collapsed. */
const textOf = (page: Page, selector: string): Promise<string> => page.$eval(selector, (el) => (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim());

/** Each row of the what-if table: the User's name, its status now and under the what-if, and whether it is marked as changing. */
function whatIfRows(page: Page): Promise<Array<[string, string, string, boolean]>> {
  return page.$$eval('#whatif-table tbody tr', (rows) =>
    rows.map((row): [string, string, string, boolean] => [
      (row.querySelector('th')?.firstChild?.textContent ?? '').trim(),
      row.querySelector('.status-now .rag')?.textContent ?? '',
      row.querySelector('.status-proposed .rag')?.textContent ?? '',
      row.classList.contains('row-changed') && (row.querySelector('.tag-changed')?.textContent ?? '') === 'changes',
    ]),
  );
}

/** Fills the what-if form as a person would and sends it. */
async function ask(page: Page, proposed: string, factor: string): Promise<number | undefined> {
  for (const [field, value] of [
    ['#whatif-proposed', proposed],
    ['#whatif-factor', factor],
  ] as const) {
    await page.$eval(field, (input) => ((input as HTMLInputElement).value = ''));
    if (value) await page.type(field, value);
  }
  const [response] = await Promise.all([page.waitForNavigation(), page.click('form.whatif-form button[type=submit]')]);
  return response?.status();
}

/** The chart's bars as Chart.js holds them, once it has drawn. */
async function chartBars(page: Page): Promise<{ labels: string[]; current: number[]; proposed: number[] }> {
  await page.waitForSelector('#whatif-chart[data-drawn="true"]', { timeout: 30_000 });
  return page.evaluate(() => {
    const canvas = document.getElementById('whatif-chart') as HTMLCanvasElement;
    const chart = (
      window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: Array<{ data: number[] }> } } } }
    ).Chart.getChart(canvas);
    return { labels: chart.data.labels, current: chart.data.datasets[0]!.data, proposed: chart.data.datasets[1]!.data };
  });
}

/** axe-clean, and no sideways scroll at 1366 px nor at 390 px; screenshots of both for a person to look at. */
async function checkLayout(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  assert.ok((await sidewaysOverflow(page)) <= 1, `${name} scrolls sideways at 1366 px`);
  await screenshot(page, 'deadline', `${name}-1366`);
  // Loaded afresh at phone width, as a phone would: the chart is drawn for the narrow page.
  await page.setViewport(PHONE);
  await page.reload();
  await page.waitForSelector('#whatif-chart[data-drawn="true"]', { timeout: 30_000 });
  const overflow = await sidewaysOverflow(page);
  assert.ok(overflow <= 1, `${name} scrolls sideways by ${overflow} px at 390 px`);
  await screenshot(page, 'deadline', `${name}-390`);
  await page.setViewport(DESKTOP);
}

for (const kind of databasesFor('sql')) {
  describe(`the deadline page in the browser on ${kind.name}`, { skip: kind.skip }, () => {
    const suite = browserSuite(kind, seedProgramme);
    const { sessions } = suite;

    it('Panel: the earliest feasible deadline names who it leaves out; the what-if shows who changes, RED first, with a chart', async () => {
      const page = await sessions.loggedIn('panel');
      const problems = pageProblems(page);
      await page.goto(`${suite.server.url}/deadline`);
      assert.equal(await textOf(page, '#earliest-feasible'), '1 Mar 2021, leaving out Acme Power and Bright Gas (no allowance)');
      assert.match(await textOf(page, 'main'), /It is set by Coral Energy\./);
      assert.equal(await page.$('form[action="/deadline"][method="post"]'), null, 'the Panel cannot record a deadline');

      assert.equal(await ask(page, '2021-02-15', ''), 200);
      assert.equal(
        await textOf(page, '#whatif-summary'),
        'With the deadline 15 Feb 2021 (a Monday), as of the snapshot of 18 Jan 2021: RED 2 · AMBER 2 · GREEN 2.',
      );
      assert.equal(
        await textOf(page, '#whatif-working-days'),
        'Working Days from the snapshot of 18 Jan 2021 to 15 Feb 2021: 20. Each User’s required rate is its outstanding over these.',
      );
      // Said once: no column of Working Days in the table, no other sentence counting them to this date.
      const main = await textOf(page, 'main');
      assert.equal(main.match(/Working Days from the snapshot/g)?.length, 1);
      assert.doesNotMatch(await textOf(page, '#whatif-table thead'), /Working Days/);
      assert.equal(await textOf(page, '#whatif-changes-heading'), '3 Users change:');
      assert.deepEqual(await page.$$eval('.change-list li', (items) => items.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim())), [
        'Coral Energy: GREEN → RED',
        'Acme Power: GREEN → AMBER',
        'Delta Supply: GREEN → AMBER',
      ]);
      assert.deepEqual(await whatIfRows(page), [
        ['Coral Energy', 'GREEN', 'RED', true],
        ['Bright Gas', 'RED', 'RED', false],
        ['Acme Power', 'GREEN', 'AMBER', true],
        ['Delta Supply', 'GREEN', 'AMBER', true],
        ['Granite Energy', 'GREEN', 'GREEN', false],
        ['Ember Utilities', 'GREEN', 'GREEN', false],
      ]);
      // Coral's required rate: 2,950 / 20 = 147.5; Acme's 800 / 20 = 40.0, projected 40 WD on: 15 Mar.
      assert.match(
        await textOf(page, `#whatif-table tr[data-user="${id(1)}"]`),
        /^Acme Power 90-B3-D5-1F-30-01-00-41 GREEN on track AMBER projected after deadline changes 800 — 40\.0 15 Mar 2021$/,
      );
      assert.match(
        await textOf(page, `#whatif-table tr[data-user="${id(3)}"]`),
        /^Coral Energy 90-B3-D5-1F-30-01-00-43 GREEN on track RED cannot finish within allowance changes 2,950 100 147\.5 1 Mar 2021$/,
      );
      assert.deepEqual(await chartBars(page), { labels: ['RED', 'AMBER', 'GREEN'], current: [1, 0, 5], proposed: [2, 2, 2] });
      await checkLayout(page, 'panel-whatif');

      // A multiplier written with a comma is refused beside its field, keeping what was typed.
      assert.equal(await ask(page, '2021-02-15', '1,5'), 422);
      assert.equal(
        await textOf(page, '#whatif-factor-error'),
        'Error: "1,5" is not a multiplier: write a number above 0 and at most 100, with at most two decimals, e.g. 1.5',
      );
      assert.equal(await page.$eval('#whatif-factor', (input) => input.getAttribute('aria-invalid')), 'true');
      assert.equal(await page.$eval('#whatif-factor', (input) => (input as HTMLInputElement).value), '1,5');
      assert.equal(await page.$('#whatif-table'), null);
      assert.deepEqual(await axeViolations(page), [], 'axe on the refused what-if');

      assert.equal(await ask(page, '2021-02-15', '1.5'), 200);
      assert.equal(
        await textOf(page, '#whatif-summary'),
        'With the deadline 15 Feb 2021 (a Monday) and every allowance × 1.5, as of the snapshot of 18 Jan 2021: RED 1 · AMBER 3 · GREEN 2.',
      );
      assert.equal(
        await textOf(page, '#whatif-feasible'),
        'With every allowance × 1.5, the earliest feasible deadline would be 15 Feb 2021, leaving out Acme Power and Bright Gas (no allowance).',
      );
      assert.equal(await textOf(page, '#whatif-changes-heading'), '3 Users change:');
      assert.deepEqual(await whatIfRows(page), [
        ['Bright Gas', 'RED', 'RED', false],
        ['Coral Energy', 'GREEN', 'AMBER', true],
        ['Acme Power', 'GREEN', 'AMBER', true],
        ['Delta Supply', 'GREEN', 'AMBER', true],
        ['Granite Energy', 'GREEN', 'GREEN', false],
        ['Ember Utilities', 'GREEN', 'GREEN', false],
      ]);
      // Coral's allowance under the what-if, with the one recorded beneath it.
      assert.match(await textOf(page, `#whatif-table tr[data-user="${id(3)}"]`), /2,950 150 from 100 147\.5/);
      assert.deepEqual(await chartBars(page), { labels: ['RED', 'AMBER', 'GREEN'], current: [1, 0, 5], proposed: [1, 3, 2] });
      await checkLayout(page, 'panel-whatif-allowances');
      // The browser logs the refused what-if's 422 as a failed load; nothing else went wrong.
      assert.deepEqual(
        problems.filter((problem) => !/factor=1%2C5#whatif-title: Failed to load resource: the server responded with a status of 422/.test(problem)),
        [],
      );
      await page.close();
    });

    it('SECAS: records the earliest feasible date as the deadline, then tries every allowance halved against it', async () => {
      const page = await sessions.loggedIn('secas');
      const problems = pageProblems(page);
      await page.goto(`${suite.server.url}/deadline`);
      assert.equal(await textOf(page, '#earliest-feasible'), '1 Mar 2021, leaving out Acme Power and Bright Gas (no allowance)');
      await page.type('#deadline-deadline', '2021-03-01');
      await page.$eval('#deadline-decided_on', (input) => ((input as HTMLInputElement).value = ''));
      await page.type('#deadline-decided_on', '2021-01-20');
      await page.type('#deadline-reason', 'Panel meeting 81: the earliest feasible date');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/deadline"][method="post"] button[type=submit]')]);
      assert.equal(await textOf(page, '.notice'), 'The deadline is now 2021-03-01, as the Panel decided on 2021-01-20.');

      // Only the multiplier: the deadline in force, 1 Mar 2021 (30 WD), with every allowance × 0.5.
      // Now: Coral needs 2,950 / 30 = 98.3 ≤ 100 and projects 1 Mar → GREEN; Delta projects 14 Apr
      // and Acme 15 Mar → AMBER; Bright RED; Granite and Ember GREEN: RED 1 · AMBER 2 · GREEN 3.
      // Halved, Coral has 50 < 98.3 → RED; Delta 25 ≥ 600 / 30 = 20, still AMBER; Granite 20 ≥ 6.7.
      // So one change, and the earliest feasible date becomes Coral's 2,950 / 50 = 59 WD: 30 to
      // 1 Mar, 22 more to 31 Mar (52), Thu 1 Apr (53), Good Friday and Easter Monday skipped, 6–9 Apr
      // (57), 12–13 Apr → Tue 13 Apr 2021.
      assert.equal(await ask(page, '', '0.5'), 200);
      assert.equal(
        await textOf(page, '#whatif-summary'),
        'With the deadline in force, 1 Mar 2021 (a Monday), and every allowance × 0.5, as of the snapshot of 18 Jan 2021: RED 2 · AMBER 2 · GREEN 2.',
      );
      assert.equal(
        await textOf(page, '#whatif-working-days'),
        'Working Days from the snapshot of 18 Jan 2021 to 1 Mar 2021: 30. Each User’s required rate is its outstanding over these.',
      );
      assert.equal(await textOf(page, '#whatif-changes-heading'), '1 User changes:');
      assert.deepEqual(await page.$$eval('.change-list li', (items) => items.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim())), [
        'Coral Energy: GREEN → RED',
      ]);
      assert.equal(
        await textOf(page, '#whatif-feasible'),
        'With every allowance × 0.5, the earliest feasible deadline would be 13 Apr 2021, leaving out Acme Power and Bright Gas (no allowance).',
      );
      assert.deepEqual(await whatIfRows(page), [
        ['Coral Energy', 'GREEN', 'RED', true],
        ['Bright Gas', 'RED', 'RED', false],
        ['Acme Power', 'AMBER', 'AMBER', false],
        ['Delta Supply', 'AMBER', 'AMBER', false],
        ['Granite Energy', 'GREEN', 'GREEN', false],
        ['Ember Utilities', 'GREEN', 'GREEN', false],
      ]);
      assert.deepEqual(await chartBars(page), { labels: ['RED', 'AMBER', 'GREEN'], current: [1, 2, 3], proposed: [2, 2, 2] });
      assert.ok(await page.$('form[action="/deadline"][method="post"]'), 'SECAS records deadlines');
      await checkLayout(page, 'secas-whatif-allowances');
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}
