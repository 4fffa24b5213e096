import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { shippedBankHolidays } from '../../../server/engine/bank-holidays.ts';
import { isWeekend } from '../../../server/engine/calendar.ts';
import { SHIPPED_HOLIDAYS } from '../../../db/migrations/20261128G2-ship-bank-holidays.ts';

// gov.uk's published England and Wales bank holidays, 2017–2027.
const GOV_UK: Record<number, string[]> = {
  2017: ['01-02', '04-14', '04-17', '05-01', '05-29', '08-28', '12-25', '12-26'],
  2018: ['01-01', '03-30', '04-02', '05-07', '05-28', '08-27', '12-25', '12-26'],
  2019: ['01-01', '04-19', '04-22', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2020: ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28'],
  2021: ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2022: ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27'],
  2023: ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26'],
  2024: ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2027: ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28'],
};

const shipped = shippedBankHolidays();
const dates = shipped.map((holiday) => holiday.date);

describe('shippedBankHolidays', () => {
  it('has the one-off holidays and substitute days', () => {
    for (const date of [
      '2020-05-08', // VE day, in place of the early May Monday
      '2022-06-02', // spring bank holiday moved for the Platinum Jubilee
      '2022-06-03', // Platinum Jubilee
      '2022-09-19', // Queen Elizabeth II's funeral
      '2023-05-08', // King Charles III's coronation
      '2020-12-28', // Boxing Day (Saturday) substitute
      '2021-12-27', // Christmas Day (Saturday) substitute
      '2021-12-28', // Boxing Day (Sunday) substitute
      '2022-12-27', // Christmas Day (Sunday) substitute
      '2022-01-03', // New Year's Day (Saturday) substitute
    ]) {
      assert.ok(dates.includes(date), date);
    }
  });

  it('does not have the early May Monday that VE day replaced in 2020', () => {
    assert.ok(!dates.includes('2020-05-04'));
  });

  it('matches gov.uk for every year it has published (2017–2027)', () => {
    for (const [year, days] of Object.entries(GOV_UK)) {
      const shippedThatYear = dates.filter((date) => date.startsWith(`${year}-`));
      assert.deepEqual(
        shippedThatYear,
        days.map((day) => `${year}-${day}`),
        year,
      );
    }
  });

  it('has eight weekday holidays in each later year up to 2035, and none outside 2017–2035', () => {
    for (let year = 2028; year <= 2035; year += 1) {
      assert.equal(dates.filter((date) => date.startsWith(`${year}-`)).length, 8, String(year));
    }
    assert.equal(dates[0], '2017-01-02');
    assert.equal(dates.at(-1), '2035-12-26');
  });

  it('lists weekdays only, each once, in date order, with a name', () => {
    assert.ok(dates.every((date) => !isWeekend(date)));
    assert.equal(new Set(dates).size, dates.length);
    assert.deepEqual([...dates].sort(), dates);
    assert.ok(shipped.every((holiday) => holiday.name.length > 0));
    assert.equal(shipped.find((holiday) => holiday.date === '2022-09-19')?.name, "Queen Elizabeth's Funeral Day");
  });

  it('takes a year range', () => {
    assert.deepEqual(
      shippedBankHolidays(2022, 2022).map((holiday) => holiday.date),
      GOV_UK[2022]?.map((day) => `2022-${day}`),
    );
  });

  it('gives the same dates whatever time zone the machine is in', () => {
    const module = fileURLToPath(new URL('../../../server/engine/bank-holidays.ts', import.meta.url));
    const script = `import { shippedBankHolidays } from ${JSON.stringify(module)};
      console.log(JSON.stringify(shippedBankHolidays().map((h) => h.date)));`;
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ: zone },
        encoding: 'utf8',
      });
      assert.deepEqual(JSON.parse(output), dates, zone);
    }
  });
});

describe('the holidays the migration ships', () => {
  it("are the generator's 2017–2035, written out so the migration never changes with the code", () => {
    assert.equal(SHIPPED_HOLIDAYS.length, 155);
    assert.deepEqual(
      SHIPPED_HOLIDAYS.map(([date, name]) => ({ date, name })),
      shippedBankHolidays(2017, 2035).map(({ date, name }) => ({ date, name })),
    );
  });
});
