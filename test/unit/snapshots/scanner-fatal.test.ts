// Whole-file refusals (SPEC §3.1): each with a message naming the line and the problem.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import { file, HEADER, row, scanBytes, scanText } from './scan-helpers.ts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface Refusal {
  name: string;
  input: string | Buffer;
  line: number;
  message: RegExp;
}

const refusals: Refusal[] = [
  { name: 'an empty file', input: '', line: 1, message: /^line 1: no header: the file is empty/ },
  { name: 'a file with only a BOM', input: BOM, line: 1, message: /^line 1: no header: the file is empty/ },
  { name: 'a file of blank lines', input: '\n\r\n\n', line: 1, message: /^line 1: no header: the file holds nothing but blank lines/ },
  {
    name: 'a tab-separated file',
    input: `${HEADER.replaceAll(',', '\t')}\n${row(1).replaceAll(',', '\t')}\n`,
    line: 1,
    message: /^line 1: the columns are separated by tabs \(a tab-separated file\), not commas: save the file as comma-separated CSV and send it again$/,
  },
  {
    name: 'a semicolon-separated file, with a comma in one name',
    input: `${HEADER.replaceAll(',', ';')};"notes, free text"\n${row(1).replaceAll(',', ';')};x\n`,
    line: 1,
    message: /^line 1: the columns are separated by semicolons, not commas/,
  },
  { name: 'a single byte', input: 'x', line: 1, message: /^line 1: no header: the first line must name the columns/ },
  {
    name: 'data where the header should be',
    input: `${row(1)}\n${row(2)}\n`,
    line: 1,
    message:
      /^line 1: no header: the first line must name the columns device_id, device_type, device_status, responsible_user_id, map_id, prenotified_date \(it reads "00-00/,
  },
  {
    name: 'a missing column',
    input: `device_id,device_type,device_status,responsible_user_id,prenotified_date\n`,
    line: 1,
    message: /^line 1: the header has no "map_id" column/,
  },
  {
    name: 'two missing columns, after blank lines',
    input: `\n\ndevice_id,DEVICE_TYPE,device_status,map_id\n${row(1)}\n`,
    line: 3,
    message: /^line 3: the header has no "responsible_user_id", "prenotified_date" columns/,
  },
  {
    name: 'a column named twice',
    input: `${HEADER},Device_Id\n${row(1)},x\n`,
    line: 1,
    message: /^line 1: the header names "device_id" more than once/,
  },
  { name: 'a header and no rows', input: `${HEADER}\n`, line: 1, message: /^line 1: no data rows/ },
  { name: 'a header without a line end', input: HEADER, line: 1, message: /^line 1: no data rows/ },
  { name: 'a header and blank lines', input: `${HEADER}\r\n\r\n\n`, line: 1, message: /^line 1: no data rows/ },
  { name: 'a header with a BOM and no rows', input: Buffer.concat([BOM, Buffer.from(`\n${HEADER}\n`)]), line: 2, message: /^line 2: no data rows/ },
  {
    name: 'a header longer than 64 KiB',
    input: `${HEADER},${'x'.repeat(70_000)}\n${row(1)}\n`,
    line: 1,
    message:
      /^line 1: no header: the first line is longer than 65,536 bytes, far longer than a header naming the columns; this does not look like an inventory extract$/,
  },
  {
    name: 'an unterminated quote in a row, naming the line it opened on',
    input: [`${HEADER},notes`, `${row(1)},a`, `${row(2)},b`, `${row(3)},"notes`, 'more', `${row(4)},c`, ''].join('\n'),
    line: 4,
    message: /^line 4: broken quoting: the quoted field opened on this line is never closed \(the file ends inside it\)/,
  },
  {
    name: 'an unterminated quote in the header',
    input: `device_id,"device_type\n${row(1)}\n`,
    line: 1,
    message: /^line 1: broken quoting: the quoted field opened on this line is never closed/,
  },
  {
    name: 'a quote inside an unquoted field',
    input: file(row(1), row(2, { device_type: 'ES"ME' })),
    line: 3,
    message: /^line 3: broken quoting: a quote inside the unquoted field 2 \("device_type"\)/,
  },
  {
    name: 'text after a closing quote',
    input: file(row(1), row(2, { map_id: '"UF"LM' })),
    line: 3,
    message: /^line 3: broken quoting: text after the closing quote of field 5 \("map_id"\) \(a quote inside a quoted field must be doubled: ""\)/,
  },
  {
    name: 'text after a closing quote, in a row that started earlier',
    input: file(row(1, { map_id: '"UF\n\n"LM' })),
    line: 4,
    message: /^line 4: broken quoting: text after the closing quote of field 5 \("map_id"\) in the row starting on line 2/,
  },
  {
    name: 'a space after a closing quote',
    input: file(row(1, { map_id: '"UFLM" ' })),
    line: 2,
    message: /^line 2: broken quoting: text after the closing quote/,
  },
  {
    name: 'a quote inside an unquoted header name',
    input: `device_id,dev"ice_type\n${row(1)}\n`,
    line: 1,
    message: /^line 1: broken quoting: a quote inside the unquoted field 2 /,
  },
];

describe('whole-file refusals', () => {
  for (const refusal of refusals) {
    it(refusal.name, () => {
      const bytes = typeof refusal.input === 'string' ? Buffer.from(refusal.input, 'utf8') : refusal.input;
      for (const chunk of [Infinity, 1, 3]) {
        const result = scanBytes(bytes, {}, chunk);
        assert.ok(result.fatal, `no refusal with chunks of ${chunk}`);
        assert.equal(result.fatal.line, refusal.line);
        assert.match(result.fatal.message, refusal.message);
      }
    });
  }

  it('stops reading at the refusal and ignores what follows', () => {
    const text = Buffer.from(file(row(1), row(2, { device_type: 'E"' }), row(3)), 'utf8');
    const result = scanBytes(text, {}, 50);
    assert.equal(result.fatal?.line, 3);
    assert.equal(result.rows, 1);
  });

  it('tells the caller through push() that it can stop', () => {
    const scanner = createScanner({ implementationDate: '2018-06-28' });
    // More than the 4 KiB held to see what kind of file it is.
    const rows = Array.from({ length: 80 }, (_, i) => row(i + 1));
    assert.equal(scanner.push(Buffer.from(`${[HEADER, ...rows].join('\n')}\n`)), true);
    assert.equal(scanner.push(Buffer.from(`a"b\n`)), false);
    assert.equal(scanner.fatal?.line, 82);
    assert.equal(scanner.push(Buffer.from(`${row(2)}\n`)), false);
    assert.equal(scanner.end().fatal?.line, 82);
  });

  it('does not refuse a file for rejected rows, however many (the reject ratio is the caller’s)', () => {
    const result = scanText(file(row(1, { device_id: 'x' }), row(2, { device_id: 'y' })));
    assert.equal(result.fatal, null);
    assert.equal(result.rejected, 2);
  });
});
