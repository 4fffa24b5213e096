// Column types whose spelling differs between SQLite and MySQL, one small implementation each,
// so migrations never branch on the client themselves.
import type { Knex } from 'knex';
import { isMysql } from './dialect/is-mysql.ts';

/** A blob large enough for a PDF (MySQL's plain BLOB stops at 64 KiB). */
export function longBinary(knex: Knex, table: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return isMysql(knex) ? table.specificType(name, 'longblob') : table.binary(name);
}

/** Text that may exceed 64 KiB (CSV exports, error lists). */
export function longText(knex: Knex, table: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return isMysql(knex) ? table.text(name, 'longtext') : table.text(name);
}

/** A point in time, stored as a UTC string with milliseconds (db/instant.ts). */
export function instant(table: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return table.datetime(name, { precision: 3 });
}

/** A calendar date 'YYYY-MM-DD' (Europe/London calendar; no time, no zone). */
export function calendarDate(table: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return table.date(name);
}

/** A normalised EUI-64: 8 upper-case hex pairs joined by '-'. */
export function eui64(table: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return table.string(name, 23);
}

/** Table options that must be the same everywhere (InnoDB, utf8mb4 on MySQL; nothing on SQLite). */
export function tableDefaults(knex: Knex, table: Knex.CreateTableBuilder): void {
  if (isMysql(knex)) {
    table.engine('InnoDB');
    table.charset('utf8mb4');
    table.collate('utf8mb4_bin');
  }
}
