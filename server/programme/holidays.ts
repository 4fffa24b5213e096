// Bank holidays (SPEC §4.1): the England and Wales days shipped with the product, and the days
// SECAS adds or removes. The progress engine reads its Working Days from this table.
import type { Knex } from 'knex';
import { deleteHoliday, insertHoliday, listHolidays, updateHolidayName, type Holiday } from '../../db/queries/holidays.ts';
import type { RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { isWeekend } from '../engine/calendar.ts';
import { safeCsv } from '../safe-csv.ts';
import { dateRule, invalid, textRule, weekdayName, type Rule } from './field-rules.ts';
import { readImportFile, refuse, refuseIfAny, type ImportKind, type ImportSummary } from './import-file.ts';
import { findKeyed, recordImport, removeKeyed, saveKeyed, type KeyedTable } from './keyed-changes.ts';
import { readRecord } from './record-reader.ts';

export { listHolidays };
export type { Holiday };

/** A weekday: a weekend is never a Working Day, so listing one would change nothing and mislead. */
const holidayDateRule: Rule<string> = (raw) => {
  const date = dateRule(raw);
  if (date.ok && isWeekend(date.value)) {
    return invalid(`${date.value} is a ${weekdayName(date.value)}; weekends are never Working Days, so only weekdays are listed`);
  }
  return date;
};

const HOLIDAY_RULES = { date: holidayDateRule, name: textRule('The name', 100) };

export const HOLIDAYS_FILE: ImportKind<typeof HOLIDAY_RULES> = {
  layout: { required: ['date', 'name'] },
  rules: HOLIDAY_RULES,
  key: (value) => value.date,
  keyColumns: 'date',
};

const HOLIDAYS: KeyedTable<Holiday> = {
  action: 'holiday',
  entity: 'holiday',
  key: (holiday) => holiday.date,
  audited: (holiday) => ({ name: holiday.name, source: holiday.source }),
  list: listHolidays,
  insert: insertHoliday,
  update: (knex, holiday) => updateHolidayName(knex, holiday.date, holiday.name),
  remove: (knex, holiday) => deleteHoliday(knex, holiday.date),
};

/** A day SECAS gives is 'manual'; renaming a shipped day keeps it 'shipped'. */
const keepSource = (holiday: Holiday, stored: Holiday | undefined): Holiday => ({ ...holiday, source: stored?.source ?? 'manual' });

/** `date,name`: adds or renames every day in the file (others stay), or nothing if any row is wrong. */
export async function importHolidays(knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const file = readImportFile(content, HOLIDAYS_FILE, fileName);
  refuseIfAny(file.errors, file.source);
  return knex.transaction(async (trx) => {
    const days = file.rows.map(({ value }): Holiday => ({ date: value.date, name: value.name, source: 'manual' }));
    const summary = await saveKeyed(trx, HOLIDAYS, days, actor, origin, keepSource);
    await recordImport(trx, actor, 'holidays.import', fileName, summary, origin);
    return summary;
  });
}

export async function addHoliday(
  knex: Knex,
  form: Readonly<Record<string, unknown>>,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ holiday: Holiday; summary: ImportSummary }> {
  const read = readRecord(form, HOLIDAY_RULES);
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  const holiday: Holiday = { date: read.value.date, name: read.value.name, source: 'manual' };
  const summary = await knex.transaction((trx) => saveKeyed(trx, HOLIDAYS, [holiday], actor, origin, keepSource));
  return { holiday, summary };
}

/** Makes a listed day a Working Day again; refuses a day that is not listed. */
export async function removeHoliday(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<Holiday> {
  const date = readRemoval(form);
  const removed = await removeKeyed(knex, HOLIDAYS, date, actor, origin);
  if (!removed) refuse(notListed(date), { kind: 'form' });
  return removed;
}

function readRemoval(form: Readonly<Record<string, unknown>>): string {
  const read = readRecord(form, { date: dateRule });
  if (!read.ok) refuse(read.errors, { kind: 'form' });
  return read.value.date;
}

const notListed = (date: string) => [{ field: 'date', message: `${date} is not a listed holiday` }];

/** The listed day a remove form names, without removing it; refuses a day that is not listed. */
export async function holidayToRemove(knex: Knex, form: Readonly<Record<string, unknown>>): Promise<Holiday & { weekday: string }> {
  const date = readRemoval(form);
  const found = await findKeyed(knex, HOLIDAYS, date);
  if (!found) refuse(notListed(date), { kind: 'form' });
  return { ...found, weekday: weekdayName(found.date) };
}

export async function holidaysCsv(knex: Knex): Promise<string> {
  return safeCsv(
    ['date', 'name', 'source'],
    (await listHolidays(knex)).map((day) => [day.date, day.name, day.source]),
  );
}

/** The dates the progress engine treats as bank holidays. */
export async function holidayDates(knex: Knex): Promise<string[]> {
  return (await listHolidays(knex)).map((day) => day.date);
}

export interface HolidayYear {
  year: string;
  days: Array<Holiday & { weekday: string }>;
}

/** The listed days by year, for the holidays page. */
export async function holidaysByYear(knex: Knex): Promise<HolidayYear[]> {
  const years = new Map<string, HolidayYear>();
  for (const day of await listHolidays(knex)) {
    const year = day.date.slice(0, 4);
    const group = years.get(year) ?? { year, days: [] };
    group.days.push({ ...day, weekday: weekdayName(day.date) });
    years.set(year, group);
  }
  return [...years.values()];
}
