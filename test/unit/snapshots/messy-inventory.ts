// Generates a messy but valid inventory CSV for the property and cross-check tests: every spelling,
// rule breach and RFC 4180 feature mixed at random, with the records and physical start lines it
// was written from, so other parsers' and the scanner's readings can be checked against them.
import { deviceId, random } from './scan-helpers.ts';

export interface MessyOptions {
  seed: number;
  rows: number;
  /** Line ends to choose from for rows outside quotes. Default LF and CRLF. */
  lineEnds?: string[];
  /** Start with a BOM. */
  bom?: boolean;
}

export interface MessyInventory {
  bytes: Buffer;
  header: string[];
  /** Data records as written (unescaped), with the physical line each starts on. */
  records: Array<{ line: number; fields: string[] }>;
}

const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

// Besides CSV's own features, values breaking the character rules (control characters, line
// breaks) and values that keep them (a status with an accent, MAP IDs beyond ASCII or with a DEL,
// which are then merely invalid).
const TYPES = ['ESME', 'GSME', 'esme', ' gsme', 'CHF', 'GPF', 'PPMID', 'IHD', '', ' ', 'E,SME', 'GS"ME', 'ES\nME', 'ES\u0000ME', 'ÉSME'];
const STATUSES = [
  'Commissioned',
  'commissioned',
  'Installed Not Commissioned',
  'Pending',
  'Decommissioned',
  'With Drawn',
  'withdrawn',
  '',
  '  ',
  'Sus,pended',
  'De"com',
  'Commiss\u001bioned',
  'Commissionéd',
  '\tPending',
];
const MAP_IDS = ['', '', '', ' ', 'UFLM', 'ufl1', ' Z9Z9 ', 'MAP1', 'AB-1', 'TOOLONG', 'A"B', 'A,BC', 'AB\r\nC', 'UF\u007fM', 'ÜFLM'];
const DATES = ['2017-01-01', '2018-06-27', '2018-06-28', '2019-03-31', '2016-02-29', ' 2015-05-05', '2018-02-30', '2018-6-1', '', '2018-01-01,'];
const USERS = ['90-B3-D5-1F-30-01-00-0A', '90b3d51f3001000a', '90:B3:D5:1F:30:01:00:0B', '90-b3-d5-1f-30-01-00-0c', '90-B3-D5-1F-30-01-00', ''];
const NOTES = ['', 'plain', 'with, comma', 'with "quotes"', 'two\nlines', 'cr\ronly', 'crlf\r\ninside', '"', ',', '\n'];

/** A CSV field: quoted when it must be, and sometimes when it need not be. */
function quote(value: string, next: () => number): string {
  const must = /[",\r\n]/.test(value);
  return must || next() < 0.1 ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Line breaks as an editor counts them: LF, CRLF and a lone CR are one each. */
function lineBreaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

function spell(n: number, next: () => number): string {
  const id = deviceId(n);
  const r = next();
  if (r < 0.6) return id;
  if (r < 0.7) return id.replaceAll('-', '');
  if (r < 0.8) return id.replaceAll('-', ':').toLowerCase();
  if (r < 0.85) return ` ${id} `;
  if (r < 0.9) return id.slice(0, 20);
  if (r < 0.95) return `${id.slice(0, 5)},${id.slice(6)}`;
  return '';
}

export function messyInventory(options: MessyOptions): MessyInventory {
  const next = random(options.seed);
  const lineEnds = options.lineEnds ?? ['\n', '\r\n'];
  const header = ['notes', 'Device_ID', 'device_type', ' device_status ', 'responsible_user_id', 'extra', 'MAP_ID', 'prenotified_date'];
  const parts: string[] = [header.map((h) => quote(h, next)).join(',')];
  let line = 1;
  let text = parts[0]!;
  const records: MessyInventory['records'] = [];
  let nextId = 1;
  for (let i = 0; i < options.rows; i++) {
    const end = pick(next, lineEnds);
    text += end;
    line += 1;
    while (next() < 0.05) {
      const blank = pick(next, lineEnds);
      text += blank;
      line += 1;
    }
    // About one row in twelve reuses an earlier device.
    const n = nextId > 1 && next() < 0.08 ? 1 + Math.floor(next() * (nextId - 1)) : nextId++;
    const fields = [
      pick(next, NOTES),
      spell(n, next),
      pick(next, TYPES),
      pick(next, STATUSES),
      pick(next, USERS),
      pick(next, NOTES),
      pick(next, MAP_IDS),
      pick(next, DATES),
    ];
    // Now and then a row with a field too few or too many.
    const shape = next();
    if (shape < 0.02) fields.pop();
    else if (shape < 0.04) fields.push('surplus');
    const written = fields.map((f) => quote(f, next)).join(',');
    records.push({ line, fields });
    text += written;
    line += lineBreaks(written);
  }
  if (next() < 0.5) text += pick(next, lineEnds);
  const body = Buffer.from(text, 'utf8');
  const bytes = options.bom === true ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  return { bytes, header, records };
}
