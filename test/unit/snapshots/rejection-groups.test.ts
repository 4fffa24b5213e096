// Rejected rows counted by reason (issue 18, point 5): the scanner's sentences read back into
// field, value and rule, every row counted whatever order the lines come in, the first rows of
// each group kept by line, and each problem a CSV row safe to open in a spreadsheet.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXAMPLES_PER_GROUP, groupLabel, groupRejections, MAX_GROUPS, problemsOf, rowsNotShown } from '../../../server/snapshots/format/rejection-groups.ts';
import { csvRowsOf } from '../../../server/snapshots/rejected-export.ts';
import { safeCsvRows } from '../../../server/safe-csv.ts';
import { scanText, file, row } from './scan-helpers.ts';

const EUI = 'is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")';

describe('problemsOf', () => {
  it('reads each problem of a row the scanner rejected, a quoted value holding "; " included', () => {
    const scanned = scanText(file(row(1, { device_id: 'AB; CD', prenotified_date: '2021-02-30' }), row(2, { device_type: ' ' }), row(1)));
    assert.deepEqual(
      scanned.rejections.map((r) => problemsOf(r.reason)),
      [
        [
          { field: 'device_id', value: 'AB; CD', rule: EUI, reason: EUI },
          {
            field: 'prenotified_date',
            value: '2021-02-30',
            rule: 'is not a real date in the form YYYY-MM-DD',
            reason: 'is not a real date in the form YYYY-MM-DD',
          },
        ],
        [{ field: 'device_type', value: '', rule: 'is empty', reason: 'is empty' }],
      ],
    );
  });

  it('reads duplicates, wrong field counts, control characters and over-long fields', () => {
    assert.deepEqual(problemsOf('duplicate device_id 00-00-00-00-00-00-00-01, first at line 2'), [
      { field: 'device_id', value: '00-00-00-00-00-00-00-01', rule: 'repeats the device_id of an earlier row', reason: 'duplicate, first at line 2' },
    ]);
    assert.deepEqual(problemsOf('the row has 7 fields, the header 6'), [
      { field: '', value: '7 fields', rule: "the row does not have the header's 6 fields", reason: 'the row has 7 fields, the header 6' },
    ]);
    assert.deepEqual(problemsOf('map_id "AB\\u0000C" contains a control character (NUL)'), [
      { field: 'map_id', value: 'AB\u0000C', rule: 'contains a control character (NUL)', reason: 'contains a control character (NUL)' },
    ]);
    assert.deepEqual(problemsOf('map_id is longer than 4096 bytes'), [
      { field: 'map_id', value: null, rule: 'is longer than 4096 bytes', reason: 'is longer than 4096 bytes' },
    ]);
    // A sentence it does not know is one problem of the row, kept whole.
    assert.deepEqual(problemsOf('something new'), [{ field: '', value: null, rule: 'something new', reason: 'something new' }]);
  });
});

describe('groupRejections', () => {
  it('counts every row by rule, most first, keeping the first rows by line whatever order they come in', () => {
    const rows = [];
    for (let line = 400; line >= 2; line--) {
      if (line % 4 === 0) rows.push({ line, reason: `prenotified_date "2021-13-${line}" is not a real date in the form YYYY-MM-DD` });
      else if (line % 10 === 1) rows.push({ line, reason: `device_id "X${line}" ${EUI}` });
    }
    const groups = groupRejections(rows);
    // Lines 4, 8, …, 400: 100. Lines 11, 21, …, 391: 39.
    assert.deepEqual(
      groups.map((g) => [groupLabel(g), g.rows, rowsNotShown(g), g.examples.map((e) => e.line)]),
      [
        ['prenotified_date: not a real date in the form YYYY-MM-DD', 100, 97, [4, 8, 12]],
        [`device_id: ${EUI.replace(/^is /, '')}`, 39, 36, [11, 21, 31]],
      ],
    );
    assert.deepEqual(groups[0]!.examples[0], { line: 4, field: 'prenotified_date', value: '2021-13-4' });
    assert.equal(EXAMPLES_PER_GROUP, 3);
  });

  it('counts a row with three problems in each of their groups', () => {
    const groups = groupRejections([{ line: 5, reason: `device_id "a" ${EUI}; responsible_user_id "b" ${EUI}; prenotified_date is empty` }]);
    assert.deepEqual(
      groups.map((g) => [g.field, g.rows]),
      [
        ['device_id', 1],
        ['responsible_user_id', 1],
        ['prenotified_date', 1],
      ],
    );
  });

  it('puts reasons past the last group it keeps into one "other" group, still counting them', () => {
    const rows = Array.from({ length: MAX_GROUPS + 10 }, (_, i) => ({ line: i + 2, reason: `reason number ${i}` }));
    const groups = groupRejections(rows);
    assert.equal(groups.length, MAX_GROUPS);
    assert.equal(
      groups.reduce((sum, g) => sum + g.rows, 0),
      MAX_GROUPS + 10,
    );
    assert.deepEqual(
      groups.filter((g) => g.rows > 1).map((g) => [groupLabel(g), g.rows]),
      [['Other problems (see the CSV)', 11]],
    );
  });
});

describe('the CSV of rejected rows', () => {
  it('has a row per problem, and a value a spreadsheet would run as a formula starts with a quote', () => {
    const rows = csvRowsOf({ line: 9, reason: `device_id "=HYPERLINK(1)" ${EUI}; prenotified_date "-1" is not a real date in the form YYYY-MM-DD` });
    assert.equal(
      safeCsvRows(rows),
      `9,device_id,'=HYPERLINK(1),"device_id ${EUI.replace(/"/g, '""')}"\r\n9,prenotified_date,'-1,prenotified_date is not a real date in the form YYYY-MM-DD\r\n`,
    );
  });
});
