// Instants (points in time) are stored as UTC 'YYYY-MM-DD HH:MM:SS.mmm' strings: both SQLite and
// MySQL DATETIME(3) accept that form, it sorts as text, and no driver or machine time zone can shift it.

export function toDbInstant(date: Date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromDbInstant(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(value.replace(' ', 'T') + (value.endsWith('Z') ? '' : 'Z'));
}

/** ISO 8601 with Z, for JSON and HTML `datetime` attributes. */
export function instantToIso(value: string | Date): string {
  return fromDbInstant(value).toISOString();
}
