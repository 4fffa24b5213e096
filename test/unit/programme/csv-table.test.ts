// Reading reference-data CSV files: the header rules of the snapshot format (SPEC §3.1) and the
// line each record starts on, which is what a person fixing the file looks for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../server/errors.ts';
import { readCsvTable } from '../../../server/programme/csv-table.ts';

const LAYOUT = { required: ['user_id', 'name'], optional: ['short_name'] };

const read = (text: string) => readCsvTable(Buffer.from(text), LAYOUT);

function refusal(text: string | Buffer): string {
  try {
    readCsvTable(typeof text === 'string' ? Buffer.from(text) : text, LAYOUT);
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  return assert.fail('the file was accepted');
}

describe('reading a reference-data CSV', () => {
  it('numbers each record by the physical line it starts on: header 1, blank lines and quoted line breaks counted', () => {
    // Line 1 header; 2 Alpha; 3 blank; 4–6 Beta, whose quoted name holds a CRLF and an LF; 7 a
    // line of spaces (blank); 8 Gamma. CRLF and LF line ends mixed.
    const table = read('user_id,name\r\nA,Alpha\r\n\r\nB,"Beta\r\nGas\nPower"\r\n   \nC,Gamma');
    assert.deepEqual(
      table.records.map((r) => [r.line, r.fields.user_id, r.fields.name]),
      [
        [2, 'A', 'Alpha'],
        [4, 'B', 'Beta\r\nGas\nPower'],
        [8, 'C', 'Gamma'],
      ],
    );
    assert.deepEqual(table.problems, []);
  });

  it('matches header names ignoring case, spaces and order, skips unknown columns, allows a BOM', () => {
    const table = read('\uFEFF Notes , NAME,User_Id\nignored,Alpha,A\n');
    assert.deepEqual(table.columns, ['user_id', 'name']);
    assert.deepEqual(table.records, [{ line: 2, fields: { name: 'Alpha', user_id: 'A' } }]);
  });

  it('takes rows a spreadsheet padded with empty fields, and refuses rows of another length by line', () => {
    const table = read('user_id,name\nA,Alpha,,\nB\nC,Gamma,extra\n,,\nD,Delta\n');
    assert.deepEqual(
      table.records.map((r) => r.line),
      [2, 6],
    );
    assert.deepEqual(table.problems, [
      { field: 'row', message: 'it has 1 field but the header has 2', line: 3 },
      { field: 'row', message: 'it has 3 fields but the header has 2', line: 4 },
    ]);
  });

  it('refuses a file it cannot use, saying why and where', () => {
    assert.equal(refusal(''), 'Line 1: the file is empty; the first line must name the columns user_id, name, [short_name].');
    assert.equal(refusal('\n\nuser_id\nA\n'), 'Line 3: the header has no "name" column (the columns are user_id, name, [short_name]).');
    assert.equal(refusal('A,Alpha\nB,Beta\n'), 'Line 1: there is no header: the first line must name the columns user_id, name, [short_name].');
    assert.equal(refusal('user_id,name,User_ID\n'), 'Line 1: the header names "user_id" more than once; each column must appear once.');
    assert.equal(refusal('user_id,name\n\n'), 'Line 1: the file has a header but no data rows.');
    assert.equal(refusal('user_id,name\nA,"Alpha\nB,Beta\n'), 'Line 2: the CSV cannot be read: a quoted field is never closed (a " without its partner).');
    assert.equal(
      refusal('user_id,name\nA,"Alpha"x\n'),
      'Line 2: the CSV cannot be read: a closing quote is followed by something other than a comma or the end of the line.',
    );
    assert.equal(
      refusal(Buffer.from([0x75, 0x2c, 0x6e, 0x0a, 0xc3, 0x28])),
      'Line 1: the file is not UTF-8 text; save it from your spreadsheet as "CSV UTF-8".',
    );
  });
});
