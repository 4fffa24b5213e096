// Telling what a file is from its first bytes (file-type.ts): every kind named, CSV text (even with
// a stray NUL or a mis-encoded name in it) left to the CSV rules.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileTypeSentence, sniffFileType, SNIFF_BYTES } from '../../../server/snapshots/format/file-type.ts';
import { file, random, row } from './scan-helpers.ts';

const CSV = file(...Array.from({ length: 60 }, (_, i) => row(i + 1)));
const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const sentence = (head: Buffer): string | null => {
  const type = sniffFileType(head.subarray(0, SNIFF_BYTES));
  return type === null ? null : fileTypeSentence(type, false);
};
const seeded = (seed: number, n: number): Buffer => {
  const next = random(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
};

describe('what kind of file it is', () => {
  const kinds: Array<[string, Buffer, RegExp]> = [
    [
      'a ZIP archive',
      bytes('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'data.csv', seeded(1, 200)),
      /^This is a ZIP archive \(such as an Excel \.xlsx workbook\), not CSV text: take the CSV file out of it/,
    ],
    ['an empty ZIP archive', bytes('PK\x05\x06', Buffer.alloc(18)), /^This is a ZIP archive/],
    ['a spanned ZIP archive', bytes('PK\x07\x08', seeded(2, 50)), /^This is a ZIP archive/],
    [
      'an xlsx workbook',
      bytes('PK\x03\x04\x14\x00\x06\x00\x08\x00', Buffer.alloc(16), '[Content_Types].xml', seeded(3, 100)),
      /^This is an Excel workbook \(\.xlsx, a ZIP archive\), not CSV text: save it from Excel as "CSV UTF-8 \(Comma delimited\)"/,
    ],
    [
      'a PDF',
      bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'),
      /^This is a PDF document, not CSV text: send the snapshot as a CSV file \(it may be compressed with gzip\)\.$/,
    ],
    ['a PNG image', bytes([0x89], 'PNG\r\n\x1a\n', seeded(4, 64)), /^This is a PNG image, not CSV text/],
    ['a JPEG image', bytes([0xff, 0xd8, 0xff, 0xe0], seeded(5, 64)), /^This is a JPEG image, not CSV text/],
    ['a GIF image', bytes('GIF89a', seeded(6, 64)), /^This is a GIF image, not CSV text/],
    [
      'an .xls workbook',
      bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], Buffer.alloc(100)),
      /^This is an older Microsoft Office file \(such as an Excel \.xls workbook\), not CSV text: save it from Excel/,
    ],
    ['a 7-Zip archive', bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], seeded(7, 64)), /^This is a 7-Zip archive, not CSV text: take the CSV file out of it/],
    ['a RAR archive', bytes('Rar!\x1a\x07\x01\x00', seeded(8, 64)), /^This is a RAR archive/],
    [
      'a tar archive',
      bytes('smi-20240131.csv', Buffer.alloc(241), 'ustar\x0000', Buffer.alloc(200)),
      /^This is a tar archive, not CSV text: take the CSV file out of it/,
    ],
    ['bzip2', bytes('BZh91AY&SY', seeded(9, 64)), /^This is bzip2-compressed data, not CSV text, and gzip is the only compression accepted/],
    ['xz', bytes([0xfd], '7zXZ\x00\x00', seeded(10, 64)), /^This is xz-compressed data, not CSV text, and gzip is the only compression accepted/],
    ['zstd', bytes([0x28, 0xb5, 0x2f, 0xfd], seeded(11, 64)), /^This is Zstandard-compressed data/],
    ['an ELF program', bytes('\x7fELF\x02\x01\x01', Buffer.alloc(100)), /^This is a program \(an ELF executable\), not CSV text/],
    [
      'UTF-16 LE with a BOM',
      bytes([0xff, 0xfe], Buffer.from(CSV, 'utf16le')),
      /^This is UTF-16 text \(little-endian, with a byte-order mark\), not UTF-8: save the file as UTF-8/,
    ],
    ['UTF-16 BE with a BOM', bytes([0xfe, 0xff], Buffer.from(CSV, 'utf16le').swap16()), /^This is UTF-16 text \(big-endian, with a byte-order mark\)/],
    ['UTF-16 LE without a BOM', Buffer.from(CSV, 'utf16le'), /^This is UTF-16 text \(little-endian, without a byte-order mark\)/],
    ['UTF-16 BE without a BOM', Buffer.from(CSV, 'utf16le').swap16(), /^This is UTF-16 text \(big-endian, without a byte-order mark\)/],
    ['UTF-32 LE with a BOM', bytes([0xff, 0xfe, 0, 0], utf32(CSV)), /^This is UTF-32 text \(little-endian, with a byte-order mark\)/],
    ['UTF-32 BE without a BOM', utf32(CSV).swap32(), /^This is UTF-32 text \(big-endian, without a byte-order mark\)/],
    [
      'zero bytes',
      Buffer.alloc(10_000),
      /^This is a run of zero bytes \(NUL\), not CSV text: such bytes are what a copy or download that never finished leaves behind/,
    ],
    [
      'random bytes',
      seeded(12, 10_000),
      /^This is binary data, not CSV text: [\d,]+ of its first 4,096 bytes are control characters or not UTF-8, as in a program, an image or a compressed file\. Send the snapshot/,
    ],
    [
      'an HTML error page',
      bytes('<!DOCTYPE html>\n<html><head><title>502 Bad\n Gateway</title></head><body>nginx</body></html>'),
      /^This is an HTML page \(titled "502 Bad Gateway"\), not CSV text: perhaps an error or sign-in page saved in place of the file/,
    ],
    [
      'an HTML page without a title, after a BOM',
      bytes([0xef, 0xbb, 0xbf], '  <html lang="en"><body>Sign in</body></html>'),
      /^This is an HTML page, not CSV text/,
    ],
    ['XML', bytes('<?xml version="1.0"?><inventory/>'), /^This is an XML document, not CSV text/],
    ['JSON', bytes('{"device_id": "00-1B", "device_type": "ESME"}'), /^This is JSON data, not CSV text/],
    ['a JSON array', bytes('[\n  {"device_id": 1}\n]'), /^This is JSON data/],
    ['RTF', bytes('{\\rtf1\\ansi device_id,device_type}'), /^This is an RTF document/],
  ];
  for (const [name, head, expected] of kinds) {
    it(`names ${name}`, () => assert.match(sentence(head) ?? 'taken for CSV text', expected));
  }

  it('says it of a gzip file’s text, and names a file compressed twice', () => {
    const pdf = sniffFileType(bytes('%PDF-1.4'))!;
    assert.equal(
      fileTypeSentence(pdf, true),
      'This gzip file holds a PDF document, not CSV text: send the snapshot as a CSV file (it may be compressed with gzip).',
    );
    assert.equal(
      fileTypeSentence(sniffFileType(gzipSync(CSV))!, true),
      'This gzip file holds another gzip file: the CSV was compressed twice. Compress it once (or not at all) and send it again.',
    );
  });

  const text: Array<[string, Buffer]> = [
    ['a CSV file', Buffer.from(CSV)],
    ['a CSV file with a BOM', bytes([0xef, 0xbb, 0xbf], CSV)],
    ['an empty file', Buffer.alloc(0)],
    ['a header alone', Buffer.from('device_id,device_type\n')],
    ['a CSV file with a NUL and an escape in its fields', Buffer.from(CSV.replace('Commissioned', 'Comm\0issioned').replace('ESME', 'E\x1bSME'))],
    ['a CSV file with a few names in Latin-1', Buffer.from(CSV.replaceAll('Commissioned', 'Commission\xe9d'), 'latin1')],
    ['a CSV file with names in UTF-8', Buffer.from(CSV.replaceAll('Commissioned', 'Commissionéd'))],
    ['a tab-separated file (the header says so)', Buffer.from(CSV.replaceAll(',', '\t'))],
    ['a UTF-8 character cut by the end of the sample', Buffer.concat([Buffer.from('x'.repeat(SNIFF_BYTES - 1)), Buffer.from('é')])],
  ];
  for (const [name, head] of text) {
    it(`leaves ${name} to the CSV rules`, () => assert.equal(sentence(head), null));
  }

  it('calls random bytes binary whatever they are', () => {
    for (let seed = 0; seed < 20; seed++) assert.match(sentence(randomBytes(SNIFF_BYTES)) ?? 'text', /^This is /, `sample ${seed}`);
  });
});

function utf32(text: string): Buffer {
  const out = Buffer.alloc(text.length * 4);
  for (let i = 0; i < text.length; i++) out.writeUInt32LE(text.charCodeAt(i), i * 4);
  return out;
}
