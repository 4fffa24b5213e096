// The CSV of SPEC §3.1 (RFC 4180, BOM, CRLF, blank lines, quoting, header matching) and the
// physical line numbers rejected rows are reported with.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SNIFF_BYTES } from '../../../server/snapshots/format/file-type.ts';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import { deviceId, file, HEADER, row, scanBytes, scanText, user, USER_A } from './scan-helpers.ts';

const fixture = (name: string): Buffer => readFileSync(new URL(`fixtures/${name}`, import.meta.url));

describe('the shared example (snapshot-rules.csv)', () => {
  const expected = JSON.parse(fixture('snapshot-rules.expected.json').toString('utf8')) as {
    rows: number;
    rejected: Array<{ line: number; reason: string }>;
    counts: Record<string, unknown>;
  };

  it('gives exactly the expected rows, rejected lines and counts', () => {
    const result = scanBytes(fixture('snapshot-rules.csv'));
    assert.equal(result.fatal, null);
    assert.equal(result.rows, expected.rows);
    assert.equal(result.rejected, expected.rejected.length);
    assert.equal(result.accepted, expected.rows - expected.rejected.length);
    assert.deepEqual(
      result.rejections.map((r) => r.line),
      expected.rejected.map((r) => r.line),
    );
    assert.deepEqual(result.counts, expected.counts);
  });

  it('gives reasons that name the field or the duplicate', () => {
    const result = scanBytes(fixture('snapshot-rules.csv'));
    expected.rejected.forEach((want, i) => assert.ok(result.rejections[i]!.reason.includes(want.reason)));
    assert.deepEqual(result.rejections, [
      { line: 15, reason: 'duplicate device_id 00-1B-C5-0C-00-00-00-01, first at line 2' },
      {
        line: 16,
        reason: 'device_id "00-1B-C5-0C-00-00" is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")',
      },
      { line: 17, reason: 'prenotified_date "2018-02-30" is not a real date in the form YYYY-MM-DD' },
    ]);
  });

  it('gives the same with CRLF line ends and a BOM', () => {
    const crlf = fixture('snapshot-rules.csv').toString('utf8').replaceAll('\n', '\r\n');
    const result = scanBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf, 'utf8')]));
    assert.equal(result.rows, expected.rows);
    assert.deepEqual(
      result.rejections.map((r) => r.line),
      expected.rejected.map((r) => r.line),
    );
    assert.deepEqual(result.counts, expected.counts);
  });
});

describe('CSV format', () => {
  const oneMeter = { [USER_A]: user({ inScope: 1 }) };

  it('accepts a UTF-8 BOM before the header', () => {
    const result = scanBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file(row(1)), 'utf8')]));
    assert.equal(result.fatal, null);
    assert.deepEqual(result.counts, oneMeter);
  });

  it('treats a BOM anywhere but the start as data', () => {
    const result = scanText(`\uFEFF${file(`\uFEFF${row(1)}`)}`);
    assert.match(result.rejections[0]?.reason ?? '', /^device_id "\uFEFF00-00-00-00-00-00-00-01" is not an EUI-64/);
  });

  it('reads CRLF line ends, with or without a final line end', () => {
    const text = [HEADER, row(1), row(2, { device_id: 'bad' }), row(3)].join('\r\n');
    for (const t of [text, `${text}\r\n`]) {
      const result = scanText(t);
      assert.equal(result.rows, 3);
      assert.deepEqual(result.rejections, [{ line: 3, reason: 'device_id "bad" is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")' }]);
      assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2 }) });
    }
  });

  it('reads a last row without a line end', () => {
    const result = scanText(`${HEADER}\n${row(1)}\n${row(2, { prenotified_date: 'x' })}`);
    assert.equal(result.rows, 2);
    assert.deepEqual(
      result.rejections.map((r) => r.line),
      [3],
    );
  });

  it('reads a lone CR as a line end', () => {
    const result = scanText([HEADER, row(1), row(2, { device_type: '' })].join('\r'));
    assert.equal(result.rows, 2);
    assert.deepEqual(result.rejections, [{ line: 3, reason: 'device_type is empty' }]);
  });

  it('ignores blank lines but counts them as lines', () => {
    const text = `\n\r\n${HEADER}\n\n${row(1)}\r\n\r\n\n${row(2, { device_id: '' })}\n\n\n`;
    const result = scanText(text);
    assert.equal(result.rows, 2);
    assert.deepEqual(result.rejections, [{ line: 8, reason: 'device_id is empty' }]);
  });

  it('does not take a line of spaces for a blank line', () => {
    const result = scanText(file(row(1), '   '));
    assert.deepEqual(result.rejections, [{ line: 3, reason: 'the row has 1 field, the header 6' }]);
  });

  it('matches the header ignoring case and surrounding spaces, in any order, ignoring extra columns', () => {
    const text = [
      ' Notes ,PRENOTIFIED_DATE, Map_Id ,"device_status",Responsible_User_ID,extra,Device_Type,DEVICE_ID ',
      `"a, b",2017-01-01,UFLM,Commissioned,${USER_A},,ESME,${deviceId(1)}`,
      `x,2017-01-01,,Commissioned,${USER_A},y,GSME,${deviceId(2)}`,
      `x,2017-01-01,,Commissioned,${USER_A},y,GSME,${deviceId(2)}`,
      `x,2017-02-30,,Commissioned,${USER_A},y,GSME,${deviceId(3)}`,
    ].join('\n');
    const result = scanText(text);
    assert.equal(result.fatal, null);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 1, completed: 1 }, { inScope: 1 }) });
    assert.deepEqual(result.rejections, [
      { line: 4, reason: `duplicate device_id ${deviceId(2)}, first at line 3` },
      { line: 5, reason: 'prenotified_date "2017-02-30" is not a real date in the form YYYY-MM-DD' },
    ]);
  });

  it('reads quoted fields: commas, doubled quotes, empty quoted fields', () => {
    const text = [
      `${HEADER},notes`,
      `"${deviceId(1)}","ESME","Commissioned","${USER_A}","UFLM","2017-01-01","a, ""quoted"", note"`,
      `${deviceId(2)},ESME,Commissioned,${USER_A},"",2017-01-01,""`,
      `${deviceId(3)},"GSME",Commissioned,${USER_A},"  ",2017-01-01,"""`,
      `"","",""`,
    ].join('\n');
    // Line 4's last field is an open quote: the rest of the file is inside it.
    assert.match(scanText(text).fatal?.message ?? '', /^line 4: broken quoting/);
    const fixed = text.replace('"""\n', '""""\n');
    const result = scanText(fixed);
    assert.equal(result.fatal, null);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2, completed: 1 }, { inScope: 1 }) });
    assert.deepEqual(result.rejections, [{ line: 5, reason: 'the row has 3 fields, the header 7' }]);
  });

  it('keeps what quoted fields hold, unescaped, in reasons', () => {
    const text = [HEADER, row(1, { device_id: '"00-1B,""x""\nY"' }), row(2, { device_type: '"E\r\nSME"', device_status: '""' })].join('\n');
    const result = scanText(text);
    // Line breaks inside quotes are data, but never part of an id or a type.
    assert.deepEqual(result.rejections, [
      { line: 2, reason: 'device_id "00-1B,\\"x\\"\\nY" contains a line break (LF)' },
      { line: 4, reason: 'device_type "E\\r\\nSME" contains a line break (CR); device_status is empty' },
    ]);
    assert.deepEqual(result.counts, {});
  });

  it('counts the lines inside quoted fields (LF, CRLF, lone CR) in later line numbers', () => {
    const text = [
      `${HEADER},notes`,
      `${row(1)},"one\ntwo\r\nthree\rfour"`,
      `${row(2, { device_id: 'bad' })},plain`,
      `${row(3)},"\r"`,
      `${row(4, { prenotified_date: '2018-02-30' })},"\n\n"`,
      `${row(5, { device_type: '' })},x`,
    ].join('\n');
    const result = scanText(text);
    assert.deepEqual(
      result.rejections.map((r) => r.line),
      [6, 9, 12],
    );
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2 }) });
  });

  it('quotes may hold the id, the date and the MAP ID', () => {
    const text = file(`"${deviceId(1)}",ESME,"Installed Not Commissioned","${USER_A}"," ufl1 ","2017-01-01"`);
    assert.deepEqual(scanText(text).counts, { [USER_A]: user({ inScope: 1, completed: 1 }) });
  });

  it('rejects a required field longer than 4096 bytes, quoted or not', () => {
    const long = 'x'.repeat(5000);
    for (const type of [long, `"${long}"`]) {
      const result = scanText(file(row(1, { device_type: type }), row(2, { device_status: `  ${long}` })));
      assert.deepEqual(result.rejections, [
        { line: 2, reason: 'device_type is longer than 4096 bytes' },
        { line: 3, reason: 'device_status is longer than 4096 bytes' },
      ]);
    }
  });

  it('rejects a map_id longer than 4096 bytes too, and shows long values cut short', () => {
    const result = scanText(file(row(1, { map_id: ' '.repeat(5000) }), row(2, { device_id: 'y'.repeat(100) }), row(3)));
    assert.equal(result.rejections[0]!.reason, 'map_id is longer than 4096 bytes');
    assert.equal(result.rejections[1]!.reason.startsWith(`device_id "${'y'.repeat(60)}…" is not an EUI-64`), true);
    assert.deepEqual(result.counts, oneMeter);
  });

  it('ignores any number of extra columns of any length', () => {
    const text = [`a,${HEADER},b`, `"${'z'.repeat(100_000)}",${row(1)},"${'q\n'.repeat(3)}"`, `,${row(2, { device_id: '' })},`].join('\n');
    const result = scanText(text);
    assert.deepEqual(result.rejections, [{ line: 6, reason: 'device_id is empty' }]);
    assert.deepEqual(result.counts, oneMeter);
  });

  it('reports progress while it runs, once it has seen what kind of file it is', () => {
    const scanner = createScanner({ implementationDate: '2018-06-28' });
    const text = Buffer.from(file(...Array.from({ length: 100 }, (_, i) => row(i + 1))), 'utf8');
    scanner.push(text.subarray(0, 100));
    assert.deepEqual([scanner.bytes, scanner.rows], [100, 0], 'the first 4 KiB are held until the file type is known');
    const firstRowsEnd = text.indexOf('\n', SNIFF_BYTES) + 1;
    scanner.push(text.subarray(100, firstRowsEnd));
    assert.equal(scanner.bytes, firstRowsEnd);
    assert.equal(scanner.rows, text.subarray(0, firstRowsEnd).toString().split('\n').length - 2);
    scanner.push(text.subarray(firstRowsEnd));
    assert.equal(scanner.rows, 100);
    const result = scanner.end();
    assert.equal(result.bytes, text.length);
    assert.equal(scanner.end(), result);
    assert.throws(() => scanner.push(text), /push\(\) after end\(\)/);
  });
});
