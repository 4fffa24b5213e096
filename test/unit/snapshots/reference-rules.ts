// An independent, deliberately plain reading of SPEC §3.1–3.2 over records that another parser
// produced: strings and regular expressions, no shared code with the scanner. The tests hold the
// scanner to it on generated files.
import type { UserCounts } from '../../../server/snapshots/format/user-counts.ts';

export interface ReferenceResult {
  rows: number;
  /** Each rejected row's line and what its reason must name: field names, "duplicate" or "fields". */
  rejected: Array<{ line: number; names: string[] }>;
  counts: Record<string, UserCounts>;
}

const REQUIRED = ['device_id', 'device_type', 'device_status', 'responsible_user_id', 'map_id', 'prenotified_date'];
const MAX_FIELD = 4096;

const trimSpaces = (v: string): string => v.replace(/^ +| +$/g, '');
/** A C0 control character other than tab (line breaks included): never part of a required value. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f]/;

function eui64(value: string): string | null {
  const v = trimSpaces(value);
  let hex: string;
  if (/^[0-9a-f]{16}$/i.test(v)) hex = v;
  else if (/^[0-9a-f]{2}([-:])[0-9a-f]{2}(\1[0-9a-f]{2}){6}$/i.test(v)) hex = v.replace(/[-:]/g, '');
  else return null;
  return hex.toUpperCase().match(/../g)!.join('-');
}

function realDate(value: string): string | null {
  const v = trimSpaces(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  const ok = year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return ok ? v : null;
}

export function referenceScan(
  header: string[],
  records: Array<{ line: number; fields: string[] }>,
  implementationDate: string,
  register?: Set<string>,
): ReferenceResult {
  const names = header.map((h) => h.trim().toLowerCase());
  const column = Object.fromEntries(REQUIRED.map((r) => [r, names.indexOf(r)])) as Record<string, number>;
  const seen = new Map<string, number>();
  const counts: Record<string, UserCounts> = {};
  const rejected: ReferenceResult['rejected'] = [];
  for (const { line, fields } of records) {
    if (fields.length !== header.length) {
      rejected.push({ line, names: ['fields'] });
      continue;
    }
    const get = (name: string): string => fields[column[name]!]!;
    const problems: string[] = [];
    // Too long, or holding a control character or line break: the field's one problem, whatever else it breaks.
    const unfit = REQUIRED.filter((r) => Buffer.byteLength(get(r)) > MAX_FIELD || CONTROL.test(get(r)));
    const device = eui64(get('device_id'));
    const type = trimSpaces(get('device_type')).toUpperCase();
    const status = get('device_status').replaceAll(' ', '').toLowerCase();
    const userId = eui64(get('responsible_user_id'));
    const date = realDate(get('prenotified_date'));
    if (device === null || unfit.includes('device_id')) problems.push('device_id');
    if (type === '' || unfit.includes('device_type')) problems.push('device_type');
    if (status === '' || unfit.includes('device_status')) problems.push('device_status');
    if (userId === null || unfit.includes('responsible_user_id')) problems.push('responsible_user_id');
    if (unfit.includes('map_id')) problems.push('map_id');
    if (date === null || unfit.includes('prenotified_date')) problems.push('prenotified_date');
    const first = device === null ? undefined : seen.get(device);
    if (device !== null && first === undefined) seen.set(device, line);
    if (problems.length > 0) {
      rejected.push({ line, names: problems });
      continue;
    }
    if (first !== undefined) {
      rejected.push({ line, names: ['duplicate'] });
      continue;
    }
    const counted = (counts[userId!] ??= {
      esme: { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 },
      gsme: { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 },
    });
    if ((type !== 'ESME' && type !== 'GSME') || status === 'decommissioned' || status === 'withdrawn') continue;
    const fuel = type === 'ESME' ? counted.esme : counted.gsme;
    const map = trimSpaces(get('map_id')).replace(/[a-z]/g, (c) => c.toUpperCase());
    const valid = /^[A-Z0-9]{4}$/.test(map) && (register === undefined || register.has(map));
    if (date! < implementationDate) {
      fuel.inScope++;
      if (valid) fuel.completed++;
      else if (map !== '') fuel.invalid++;
      fuel.outstanding = fuel.inScope - fuel.completed;
    } else if (!valid) {
      fuel.newMissing++;
    }
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { rows: records.length, rejected, counts: sorted };
}
