// What the scanner does with bytes no inventory extract holds: a file that is not CSV text refused
// for what it is, control characters and bytes that are not UTF-8 in a required field rejecting
// the row (naming the field), rows past MAX_ROW_BYTES and headers past MAX_COLUMNS refusing the
// file at once — the same verdict however the bytes are cut into chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_COLUMNS, MAX_ROW_BYTES } from '../../../server/snapshots/format/csv-framing.ts';
import type { ScanResult } from '../../../server/snapshots/format/scan-types.ts';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import { file, HEADER, row, scanBytes, user, USER_A } from './scan-helpers.ts';

const CHUNKINGS = [Infinity, 1, 7, 4096, 65_536];

/** Scans the bytes in every chunking and checks they all give the same result; returns it. */
function scanAllWays(bytes: Buffer, chunkings = CHUNKINGS): ScanResult {
  const results = chunkings.map((chunk) => scanBytes(bytes, {}, chunk));
  for (const [i, result] of results.entries()) assert.deepEqual(result, results[0], `chunks of ${chunkings[i]}`);
  return results[0]!;
}

describe('a file that is not CSV text', () => {
  it('is refused for what it is before any CSV rule, with no line, whatever the chunks', () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.from(file(row(1)))]);
    const result = scanAllWays(zip);
    assert.deepEqual(result.fatal, {
      line: null,
      message:
        'This is a ZIP archive (such as an Excel .xlsx workbook), not CSV text: take the CSV file out of it and send that (it may be compressed with gzip).',
      fileType: {
        what: 'a ZIP archive (such as an Excel .xlsx workbook)',
        rest: ', not CSV text: take the CSV file out of it and send that (it may be compressed with gzip).',
      },
    });
    assert.equal(result.rows, 0);
  });

  it('looks at the same first 4 KiB however they arrive, so a file longer than that is judged the same', () => {
    const utf16 = Buffer.from(file(...Array.from({ length: 200 }, (_, i) => row(i + 1))), 'utf16le');
    assert.match(scanAllWays(utf16, [1, 4095, 4096, Infinity]).fatal?.message ?? '', /^This is UTF-16 text \(little-endian, without a byte-order mark\)/);
  });

  it('reads CSV text after its BOM as before', () => {
    const result = scanAllWays(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(file(row(1), row(2)))]));
    assert.equal(result.fatal, null);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2 }) });
  });
});

describe('characters a required field cannot hold', () => {
  // Lines 2 and 5 count (a DEL is no C0 control: the MAP ID is merely invalid); every other row
  // breaks a character rule, in the fast path's fields and the slow path's.
  const rows = [
    row(1),
    row(2, { device_status: 'Comm\0issioned' }),
    row(3, { device_type: 'E\x1bSME' }),
    row(4, { map_id: 'UF\x7fM' }),
    row(5, { map_id: '"UF\nLM"' }),
    row(6, { device_id: `"${row(6).split(',')[0]!}\r"` }),
    row(7, { responsible_user_id: `${USER_A}\x01` }),
    row(8, { prenotified_date: '2017-01-0\x0c1' }),
  ];
  const expected = [
    { line: 3, reason: 'device_status "Comm\\u0000issioned" contains a control character (NUL)' },
    { line: 4, reason: 'device_type "E\\u001bSME" contains a control character (ESC)' },
    { line: 6, reason: 'map_id "UF\\nLM" contains a line break (LF)' },
    { line: 8, reason: 'device_id "00-00-00-00-00-00-00-06\\r" contains a line break (CR)' },
    { line: 10, reason: 'responsible_user_id "90-B3-D5-1F-30-01-00-0A\\u0001" contains a control character (SOH)' },
    { line: 11, reason: 'prenotified_date "2017-01-0\\f1" contains a control character (FF)' },
  ];

  it('rejects the row, naming the field and the character; the rest count as before', () => {
    const result = scanAllWays(Buffer.from(file(...rows)));
    assert.equal(result.fatal, null);
    assert.deepEqual(result.rejections, expected);
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 2, invalid: 1 }) });
  });

  it('rejects a field that is not UTF-8, and counts one in UTF-8 beyond ASCII as it reads', () => {
    const bytes = Buffer.concat([
      Buffer.from(`${file(row(1, { device_status: 'Commissionéd' }), row(2, { device_status: '\tPending' }))}`),
      Buffer.from(`${row(3, { map_id: 'UFL\xff' })}\n${row(4, { device_type: 'ESM\xc9' })}\n`, 'latin1'),
      Buffer.from(`${row(5, { map_id: 'ÜFLM' })}\n`),
    ]);
    const result = scanAllWays(bytes);
    assert.deepEqual(result.rejections, [
      { line: 4, reason: 'map_id "UFL\ufffd" is not valid UTF-8' },
      { line: 5, reason: 'device_type "ESM\ufffd" is not valid UTF-8' },
    ]);
    // Lines 2, 3 and 6 are in scope; line 6's MAP ID is present but not valid.
    assert.deepEqual(result.counts, { [USER_A]: user({ inScope: 3, invalid: 1 }) });
  });

  it('leaves other columns alone: a line break or NUL in a quoted notes column is the writer’s business', () => {
    const result = scanAllWays(Buffer.from([`${HEADER},notes`, `${row(1)},"two\nlines"`, `${row(2)},"a\0b"`, ''].join('\n')));
    assert.deepEqual([result.rejected, result.accepted], [0, 2]);
  });

  it('counts rows rejected for characters towards the reject ratio like any other', () => {
    const result = scanAllWays(Buffer.from(file(...rows)));
    assert.deepEqual([result.rows, result.accepted, result.rejected], [8, 2, 6]);
  });
});

describe('a row longer than MAX_ROW_BYTES', () => {
  const padded = (bytes: number): string => `${row(1)},${'x'.repeat(bytes - row(1).length - 1)}`;
  const header = `${HEADER},notes`;

  it('is read when it is exactly that long, and refuses the file at once a byte over, in any chunks', () => {
    const exact = scanAllWays(Buffer.from([header, padded(MAX_ROW_BYTES), `${row(2)},y`, ''].join('\n')), [Infinity, 4096, 65_536]);
    assert.deepEqual([exact.fatal, exact.accepted], [null, 2]);
    for (const end of ['\n', '\r\n', '']) {
      const over = scanAllWays(Buffer.from(`${header}\n${`${row(2)},y`}\n${padded(MAX_ROW_BYTES + 1)}${end}${row(3)},z\n`), [Infinity, 4096, 65_536]);
      assert.deepEqual(over.fatal, {
        line: 3,
        message: 'line 3: the line is longer than 1,048,576 bytes (1 MiB), where an inventory row is about 100; this does not look like an inventory extract',
      });
      assert.equal(over.rows, 1, 'what follows is not read');
    }
  });

  it('stops reading a 100 MB line with the MiB it passes the limit in, not the hundredth', () => {
    const scanner = createScanner({ implementationDate: '2018-06-28' });
    scanner.push(Buffer.from(`${HEADER}\n`));
    const mib = Buffer.alloc(1 << 20, 0x61);
    let pushed = 0;
    while (pushed < 100 && scanner.push(mib)) pushed++;
    assert.equal(pushed, 1, 'the second MiB is refused');
    assert.match(scanner.end().fatal?.message ?? '', /^line 2: the line is longer than 1,048,576 bytes/);
  });

  it('names the quote that runs on for a MiB, when a row is long because a quote is never closed', () => {
    const text = `${header}\n${row(1)},"never closed\n${'more text\n'.repeat(120_000)}`;
    const result = scanAllWays(Buffer.from(text), [Infinity, 65_536]);
    assert.match(
      result.fatal?.message ?? '',
      /^line 2: broken quoting: the quoted field opened on this line runs on over [\d,]+ more lines and 1,048,576 bytes without being closed/,
    );
  });

  it('names the line a long row of several lines starts on', () => {
    // Quoted line breaks with a field closed before the limit, and a long one after.
    const notes = `"${'a line of notes\n'.repeat(1000)}",${'z'.repeat(MAX_ROW_BYTES)}`;
    const result = scanAllWays(Buffer.from(`${header},more\n${row(1)},${notes}\n`), [Infinity, 65_536]);
    assert.match(result.fatal?.message ?? '', /^line 2: the row starting on this line is longer than 1,048,576 bytes/);
  });
});

describe('a header of more than MAX_COLUMNS columns', () => {
  const columns = (n: number): string => [...HEADER.split(','), ...Array.from({ length: n - 6 }, (_, i) => `c${i}`)].join(',');

  it(`reads ${MAX_COLUMNS} columns, and refuses one more at once`, () => {
    const fine = scanAllWays(Buffer.from(`${columns(MAX_COLUMNS)}\n${row(1)}${','.repeat(MAX_COLUMNS - 6)}\n`), [Infinity, 4096]);
    assert.deepEqual([fine.fatal, fine.accepted], [null, 1]);
    const wide = scanAllWays(Buffer.from(`${columns(10_000)}\n${row(1)}\n`), [Infinity, 4096]);
    assert.deepEqual(wide.fatal, {
      line: 1,
      message:
        'line 1: the header has more than 1,000 columns; an inventory extract has a few dozen, so this does not look like one ' +
        '(check it is the right file, with one row per device)',
    });
  });

  it('rejects a data row of 10,000 fields as a row, without trouble', () => {
    const result = scanAllWays(Buffer.from(file(row(1), `${row(2)}${',x'.repeat(10_000)}`)), [Infinity, 4096]);
    assert.deepEqual(result.rejections, [{ line: 3, reason: 'the row has 10006 fields, the header 6' }]);
  });
});
