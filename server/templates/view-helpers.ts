// Formatting helpers for templates: numbers with thousands separators, dates as "31 Dec 2018".
// Formatting only; no figure is computed here.
import type Handlebars from 'handlebars';
import { fromDbInstant } from '../../db/instant.ts';

const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// One formatter per number of decimals: making an Intl.NumberFormat costs far more than using one,
// and a User table formats hundreds of numbers.
const NUMBER_FORMATS = new Map<number, Intl.NumberFormat>();

export function formatNumber(value: unknown, decimals = 0): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  let format = NUMBER_FORMATS.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    NUMBER_FORMATS.set(decimals, format);
  }
  return format.format(n);
}

/** A change with its sign: +1,200 / −300 / 0; '—' when there is nothing to compare with. */
export function formatSigned(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  return `${n > 0 ? '+' : '−'}${formatNumber(Math.abs(n))}`;
}

/** 'YYYY-MM' → 'October 2026'. */
export function formatMonth(value: unknown): string {
  if (typeof value !== 'string') return '—';
  const m = /^(\d{4})-(\d{2})$/.exec(value);
  if (!m) return value;
  return `${FULL_MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** 'YYYY-MM-DD' → '31 Dec 2018'; anything else unchanged. */
export function formatDate(value: unknown): string {
  if (typeof value !== 'string') return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A UTC instant → '31 Dec 2018 14:05' in Europe/London. */
export function formatInstant(value: unknown): string {
  if (!(value instanceof Date) && typeof value !== 'string') return '—';
  const d = fromDbInstant(value);
  if (Number.isNaN(d.getTime())) return typeof value === 'string' ? value : '—';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  // The month from our own table: Intl's en-GB short month is "Sept", formatDate's is "Sep".
  return `${Number(parts.day)} ${MONTHS[Number(parts.month) - 1]} ${parts.year} ${parts.hour}:${parts.minute}`;
}

export function registerFormatHelpers(hbs: typeof Handlebars): void {
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('formatNumber', (value: unknown, decimals: unknown) => formatNumber(value, typeof decimals === 'number' ? decimals : 0));
  hbs.registerHelper('formatDate', (value: unknown) => formatDate(value));
  hbs.registerHelper('formatSigned', (value: unknown) => formatSigned(value));
  hbs.registerHelper('formatMonth', (value: unknown) => formatMonth(value));
  hbs.registerHelper('formatInstant', (value: unknown) => formatInstant(value));
}
