import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEui64, matchEui64View, normaliseEui64, parseEui64Bytes } from '../../../server/snapshots/format/eui64.ts';
import {
  classifyDeviceStatus,
  classifyDeviceType,
  DEVICE_STATUS_EMPTY,
  DEVICE_STATUS_IN_SCOPE,
  DEVICE_STATUS_OUT_OF_SCOPE,
  DEVICE_TYPE_EMPTY,
  DEVICE_TYPE_ESME,
  DEVICE_TYPE_GSME,
  DEVICE_TYPE_OTHER,
  mapIdKeyOf,
  mapIdText,
  MAP_ID_ABSENT,
  MAP_ID_MALFORMED,
  matchDateAt,
  parseDate,
} from '../../../server/snapshots/format/field-rules.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('EUI-64 ids', () => {
  const valid: Array<[string, string]> = [
    ['001BC50C00001234', '00-1B-C5-0C-00-00-12-34'],
    ['001bc50c00001234', '00-1B-C5-0C-00-00-12-34'],
    ['00-1B-C5-0C-00-00-12-34', '00-1B-C5-0C-00-00-12-34'],
    ['00-1b-c5-0c-00-00-12-34', '00-1B-C5-0C-00-00-12-34'],
    ['00:1B:C5:0C:00:00:12:34', '00-1B-C5-0C-00-00-12-34'],
    ['00:1b:C5:0c:00:00:12:34', '00-1B-C5-0C-00-00-12-34'],
    ['FF-FF-FF-FF-FF-FF-FF-FF', 'FF-FF-FF-FF-FF-FF-FF-FF'],
    ['0000000000000000', '00-00-00-00-00-00-00-00'],
    ['  90-B3-D5-1F-30-01-00-0A ', '90-B3-D5-1F-30-01-00-0A'],
  ];
  for (const [text, normal] of valid) {
    it(`normalises ${JSON.stringify(text)}`, () => assert.equal(normaliseEui64(text), normal));
  }

  const invalid = [
    '',
    '   ',
    '001BC50C0000123', // 15 digits
    '001BC50C000012345', // 17 digits
    '001BC50C0000123G',
    '00-1B-C5-0C-00-00-12', // 7 pairs
    '00-1B-C5-0C-00-00-12-34-56',
    '00-1B:C5-0C-00-00-12-34', // mixed separators
    '00.1B.C5.0C.00.00.12.34',
    '00 1B C5 0C 00 00 12 34',
    '001-B-C5-0C-00-00-12-34',
    '0-01B-C5-0C-00-00-12-34',
    '00-1B-C5-0C-00-00-12-3',
    '0x1BC50C00001234',
    '00–1B–C5–0C–00–00–12–34', // en dashes
  ];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(normaliseEui64(text), null));
  }

  it('yields the 64-bit value as two halves, and formats it back', () => {
    const out = new Int32Array(2);
    const id = bytes('FE-DC-BA-98-76-54-32-10');
    assert.equal(parseEui64Bytes(id, 0, id.length, out, 0), true);
    assert.equal(out[0]! >>> 0, 0xfedcba98);
    assert.equal(out[1]! >>> 0, 0x76543210);
    assert.equal(formatEui64(out[0]!, out[1]!), 'FE-DC-BA-98-76-54-32-10');
  });

  it('reads ids in place exactly as the full rule does, wherever they sit in the chunk', () => {
    for (const text of [...valid.map(([spelling]) => spelling.trim()), ...invalid, 'fF-0a-C5-0C-00-00-12-34', '0g-1B-C5-0C-00-00-12-34', '001BC50C0000123/']) {
      for (const offset of [0, 1, 3]) {
        const chunk = Buffer.concat([Buffer.alloc(offset, 'x'), bytes(text), bytes(',')]);
        const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.length);
        const viaShortcut = new Int32Array(2);
        const viaRule = new Int32Array(2);
        const end = matchEui64View(chunk, view, offset, chunk.length, viaShortcut, 0);
        const parsed = parseEui64Bytes(chunk, offset, chunk.length - 1, viaRule, 0);
        assert.equal(end >= 0, parsed, `${text} at ${offset}`);
        if (parsed) {
          assert.equal(end, chunk.length - 1);
          assert.deepEqual([...viaShortcut], [...viaRule]);
        }
      }
    }
  });

  it('reads an exact id in place only when a delimiter follows it', () => {
    const out = new Int32Array(2);
    const line = bytes('00-1B-C5-0C-00-00-12-34,ESME\n001BC50C00001234\r\n00-1B-C5-0C-00-00-12-34 ,x');
    const view = new DataView(line.buffer, line.byteOffset, line.length);
    assert.equal(matchEui64View(line, view, 0, line.length, out, 0), 23);
    assert.equal(formatEui64(out[0]!, out[1]!), '00-1B-C5-0C-00-00-12-34');
    assert.equal(matchEui64View(line, view, 29, line.length, out, 0), 45);
    // Followed by a space: not the shortcut's business (the full rule trims it).
    assert.equal(matchEui64View(line, view, 47, line.length, out, 0), -1);
    // The delimiter must be inside the chunk.
    assert.equal(matchEui64View(line, view, 0, 23, out, 0), -1);
  });
});

describe('device_type', () => {
  const cases: Array<[string, number]> = [
    ['ESME', DEVICE_TYPE_ESME],
    ['esme', DEVICE_TYPE_ESME],
    ['EsMe', DEVICE_TYPE_ESME],
    [' ESME ', DEVICE_TYPE_ESME],
    ['GSME', DEVICE_TYPE_GSME],
    ['gsme', DEVICE_TYPE_GSME],
    ['CHF', DEVICE_TYPE_OTHER],
    ['GPF', DEVICE_TYPE_OTHER],
    ['PPMID', DEVICE_TYPE_OTHER],
    ['IHD', DEVICE_TYPE_OTHER],
    ['HCALCS', DEVICE_TYPE_OTHER],
    ['CAD', DEVICE_TYPE_OTHER],
    ['ESMEX', DEVICE_TYPE_OTHER],
    ['E SME', DEVICE_TYPE_OTHER],
    ['ASME', DEVICE_TYPE_OTHER],
    ['', DEVICE_TYPE_EMPTY],
    ['   ', DEVICE_TYPE_EMPTY],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      const b = bytes(text);
      assert.equal(classifyDeviceType(b, 0, b.length), expected);
    });
  }
});

describe('device_status', () => {
  const cases: Array<[string, number]> = [
    ['Commissioned', DEVICE_STATUS_IN_SCOPE],
    ['InstalledNotCommissioned', DEVICE_STATUS_IN_SCOPE],
    ['Installed Not Commissioned', DEVICE_STATUS_IN_SCOPE],
    ['Pending', DEVICE_STATUS_IN_SCOPE],
    ['Whitelisted', DEVICE_STATUS_IN_SCOPE],
    ['Suspended', DEVICE_STATUS_IN_SCOPE],
    ['Recovery', DEVICE_STATUS_IN_SCOPE],
    ['Recovered', DEVICE_STATUS_IN_SCOPE],
    ['Something New', DEVICE_STATUS_IN_SCOPE],
    ['Decommissioned', DEVICE_STATUS_OUT_OF_SCOPE],
    ['DECOMMISSIONED', DEVICE_STATUS_OUT_OF_SCOPE],
    ['De Commissioned', DEVICE_STATUS_OUT_OF_SCOPE],
    ['  decommissioned  ', DEVICE_STATUS_OUT_OF_SCOPE],
    ['Withdrawn', DEVICE_STATUS_OUT_OF_SCOPE],
    ['With Drawn', DEVICE_STATUS_OUT_OF_SCOPE],
    ['w i t h d r a w n', DEVICE_STATUS_OUT_OF_SCOPE],
    ['Decommissione', DEVICE_STATUS_IN_SCOPE],
    ['Decommissioned2', DEVICE_STATUS_IN_SCOPE],
    ['Withdrawnn', DEVICE_STATUS_IN_SCOPE],
    ['Withdraw', DEVICE_STATUS_IN_SCOPE],
    ['Decommissioned\t', DEVICE_STATUS_IN_SCOPE],
    ['', DEVICE_STATUS_EMPTY],
    ['    ', DEVICE_STATUS_EMPTY],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      const b = bytes(text);
      assert.equal(classifyDeviceStatus(b, 0, b.length), expected);
    });
  }
});

describe('map_id', () => {
  const cases: Array<[string, string | number]> = [
    ['UFLM', 'UFLM'],
    ['ufl1', 'UFL1'],
    [' ufl1 ', 'UFL1'],
    ['Z9Z9', 'Z9Z9'],
    ['0000', '0000'],
    ['', MAP_ID_ABSENT],
    ['     ', MAP_ID_ABSENT],
    ['AB-1', MAP_ID_MALFORMED],
    ['ABC', MAP_ID_MALFORMED],
    ['TOOLONG', MAP_ID_MALFORMED],
    ['AB C', MAP_ID_MALFORMED],
    ['ÄBCD', MAP_ID_MALFORMED],
    ['ßAB', MAP_ID_MALFORMED],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => {
      const key = mapIdKeyOf(text);
      if (typeof expected === 'string') assert.equal(mapIdText(key), expected);
      else assert.equal(key, expected);
    });
  }
});

describe('prenotified_date', () => {
  const cases: Array<[string, number]> = [
    ['2018-06-28', 20180628],
    ['2016-02-29', 20160229],
    ['2000-02-29', 20000229],
    ['0001-01-01', 10101],
    ['9999-12-31', 99991231],
    [' 2017-01-01 ', 20170101],
    ['2017-02-29', -1],
    ['1900-02-29', -1],
    ['2018-02-30', -1],
    ['2018-04-31', -1],
    ['2018-13-01', -1],
    ['2018-00-10', -1],
    ['2018-01-00', -1],
    ['2018-01-32', -1],
    ['0000-01-01', -1],
    ['2018-4-01', -1],
    ['2018-04-1', -1],
    ['20180401', -1],
    ['2018/04/01', -1],
    ['01-04-2018', -1],
    ['2018-04-01T00:00', -1],
    ['２０１８-04-01', -1],
    ['', -1],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(parseDate(text), expected));
  }

  it('reads an exact date in place only when a delimiter follows it', () => {
    const b = bytes('2018-06-28\n2018-06-28 ,');
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    assert.equal(matchDateAt(b, view, 0, b.length), 20180628);
    assert.equal(matchDateAt(b, view, 11, b.length), -1);
    assert.equal(matchDateAt(b, view, 0, 10), -1);
  });

  it('agrees with a plain reading of the rule for every byte in every place of a date', () => {
    // The reference: ten ASCII characters YYYY-MM-DD naming a day of the proleptic calendar, by Date.
    const reference = (text: Buffer): number => {
      const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.toString('latin1'));
      if (found === null) return -1;
      const [year, month, day] = [Number(found[1]), Number(found[2]), Number(found[3])];
      const date = new Date(0);
      date.setUTCFullYear(year, month - 1, day);
      const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
      return real ? year * 10000 + month * 100 + day : -1;
    };
    let checked = 0;
    for (const base of ['2018-06-28', '2024-02-29', '2023-02-28', '0001-01-01', '9999-12-31', '1900-02-28', '2000-02-29']) {
      for (let place = 0; place < 10; place++) {
        for (let byte = 0; byte < 256; byte++) {
          const text = Buffer.from(base, 'latin1');
          text[place] = byte;
          const row = Buffer.concat([Buffer.from('x'), text, Buffer.from(',')]);
          const view = new DataView(row.buffer, row.byteOffset, row.length);
          const expected = reference(text);
          assert.equal(matchDateAt(row, view, 1, row.length), expected, `${text.toString('latin1')}`);
          if (byte !== 32) assert.equal(parseDate(text.toString('latin1')), expected, `${text.toString('latin1')}`);
          checked++;
        }
      }
    }
    assert.equal(checked, 7 * 10 * 256);
  });
});
