// The audit log page's filter, read from its GET form: who (part of a name or address), what
// (a kind of action), and when (London dates, from and to inclusive), with a sentence per field
// for anything that cannot be read.
import type { AuditFilter } from '../../db/queries/audit.ts';
import { toDbInstant } from '../../db/instant.ts';
import { addDays, isIsoDate, londonHour } from '../engine/calendar.ts';

export interface AuditQuery {
  who: string;
  what: string;
  from: string;
  to: string;
}

export type AuditFilterRead = { ok: true; query: AuditQuery; filter: AuditFilter } | { ok: false; query: AuditQuery; errors: Record<string, string> };

/** The instant London's day `date` starts: midnight there is 23:00 UTC the day before in summer time. */
export function londonDayStart(date: string): string {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  return toDbInstant(new Date(utcMidnight.getTime() - londonHour(utcMidnight) * 3_600_000));
}

const field = (raw: unknown): string => (typeof raw === 'string' ? raw.trim() : '');

/** `kinds` are the kinds offered; a kind not among them is refused rather than silently matching nothing. */
export function readAuditFilter(raw: Record<string, unknown>, kinds: readonly string[]): AuditFilterRead {
  const query: AuditQuery = { who: field(raw.who).slice(0, 254), what: field(raw.what), from: field(raw.from), to: field(raw.to) };
  const errors: Record<string, string> = {};
  if (query.what && !kinds.includes(query.what)) errors.what = `"${query.what.slice(0, 40)}" is not a kind of change the log holds; choose one from the list.`;
  for (const name of ['from', 'to'] as const) {
    if (query[name] && !isIsoDate(query[name])) errors[name] = `The ${name === 'from' ? 'first' : 'last'} date must be a real date written YYYY-MM-DD.`;
  }
  if (!errors.from && !errors.to && query.from && query.to && query.from > query.to) errors.to = 'The last date must be on or after the first.';
  if (Object.keys(errors).length > 0) return { ok: false, query, errors };
  return {
    ok: true,
    query,
    filter: {
      actorLike: query.who || undefined,
      kind: query.what || undefined,
      from: query.from ? londonDayStart(query.from) : undefined,
      before: query.to ? londonDayStart(addDays(query.to, 1)) : undefined,
    },
  };
}

/** The kinds of change: each action's part before its first dot (declaration for declaration.add), once each, sorted. */
export function auditKinds(actions: readonly string[]): string[] {
  return [...new Set(actions.map((action) => action.split('.')[0]!))].sort();
}
