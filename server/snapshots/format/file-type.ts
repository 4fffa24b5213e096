// What kind of file a snapshot is, from its first bytes (its text's, for gzip): CSV text goes on to
// be scanned; an archive, a document, an image, a program, UTF-16 text, an HTML page or random bytes
// is named in a sentence saying what to send instead — rather than being misread by the CSV rules
// as "broken quoting" or "the header has no … column".
import { isUtf8 } from 'node:buffer';

/** Bytes looked at. A few KiB settle every signature here and give the text checks a fair sample. */
export const SNIFF_BYTES = 4096;

/** What a file is, in two parts of one sentence, so that a gzip file's text can be described too. */
export interface FileType {
  /** What it is, after "This is" (or "This gzip file holds"): e.g. "a PDF document". */
  what: string;
  /** The rest of the sentence, from its comma or colon: why it is refused and what to send. */
  rest: string;
}

/** The refusal: "This is a PDF document, not CSV text: …", or "This gzip file holds …" for a gzip file's text. */
export function fileTypeSentence(type: FileType, inGzip: boolean): string {
  return `${inGzip ? 'This gzip file holds' : 'This is'} ${type.what}${type.rest}`;
}

const SEND_CSV = 'send the snapshot as a CSV file (it may be compressed with gzip).';
const NOT_CSV = `, not CSV text: ${SEND_CSV}`;
const FROM_EXCEL = ', not CSV text: save it from Excel as "CSV UTF-8 (Comma delimited)" and send that file (it may be compressed with gzip).';
const EXTRACT = ', not CSV text: take the CSV file out of it and send that (it may be compressed with gzip).';
const ONLY_GZIP = ', not CSV text, and gzip is the only compression accepted: decompress it and send the CSV file, compressed with gzip if you like.';

interface Signature {
  at: number;
  bytes: readonly number[];
  type: FileType;
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const signature = (bytes: readonly number[], type: FileType, at = 0): Signature => ({ at, bytes, type });

const ZIP: FileType = { what: 'a ZIP archive (such as an Excel .xlsx workbook)', rest: EXTRACT };
const XLSX: FileType = { what: 'an Excel workbook (.xlsx, a ZIP archive)', rest: FROM_EXCEL };
const UTF16 = (order: 'little' | 'big', bom: boolean): FileType => ({
  what: `UTF-16 text (${order}-endian, ${bom ? 'with' : 'without'} a byte-order mark)`,
  rest: ', not UTF-8: save the file as UTF-8 (in Excel, "CSV UTF-8 (Comma delimited)") and send it again.',
});
const UTF32 = (order: 'little' | 'big', bom: boolean): FileType => ({
  what: `UTF-32 text (${order}-endian, ${bom ? 'with' : 'without'} a byte-order mark)`,
  rest: ', not UTF-8: save the file as UTF-8 and send it again.',
});

// Longest first where one starts another (UTF-32 LE's mark starts with UTF-16 LE's).
const SIGNATURES: readonly Signature[] = [
  signature([0x1f, 0x8b], { what: 'another gzip file', rest: ': the CSV was compressed twice. Compress it once (or not at all) and send it again.' }),
  signature(ascii('PK\x03\x04'), ZIP),
  signature(ascii('PK\x05\x06'), ZIP),
  signature(ascii('PK\x07\x08'), ZIP),
  signature(ascii('%PDF-'), { what: 'a PDF document', rest: NOT_CSV }),
  signature([0x89, ...ascii('PNG\r\n\x1a\n')], { what: 'a PNG image', rest: NOT_CSV }),
  signature([0xff, 0xd8, 0xff], { what: 'a JPEG image', rest: NOT_CSV }),
  signature(ascii('GIF87a'), { what: 'a GIF image', rest: NOT_CSV }),
  signature(ascii('GIF89a'), { what: 'a GIF image', rest: NOT_CSV }),
  signature([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], { what: 'an older Microsoft Office file (such as an Excel .xls workbook)', rest: FROM_EXCEL }),
  signature([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], { what: 'a 7-Zip archive', rest: EXTRACT }),
  signature(ascii('Rar!\x1a\x07'), { what: 'a RAR archive', rest: EXTRACT }),
  signature(ascii('ustar'), { what: 'a tar archive', rest: EXTRACT }, 257),
  signature([0xfd, ...ascii('7zXZ'), 0x00], { what: 'xz-compressed data', rest: ONLY_GZIP }),
  signature([0x28, 0xb5, 0x2f, 0xfd], { what: 'Zstandard-compressed data', rest: ONLY_GZIP }),
  signature([0x04, 0x22, 0x4d, 0x18], { what: 'LZ4-compressed data', rest: ONLY_GZIP }),
  signature([0x7f, ...ascii('ELF')], { what: 'a program (an ELF executable)', rest: NOT_CSV }),
  signature(ascii('SQLite format 3\x00'), { what: 'an SQLite database', rest: NOT_CSV }),
  signature([0xff, 0xfe, 0x00, 0x00], UTF32('little', true)),
  signature([0x00, 0x00, 0xfe, 0xff], UTF32('big', true)),
  signature([0xff, 0xfe], UTF16('little', true)),
  signature([0xfe, 0xff], UTF16('big', true)),
];

function startsWith(head: Uint8Array, at: number, bytes: readonly number[]): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

/**
 * The type of a file that is not CSV text, from its first bytes (up to SNIFF_BYTES, or all of a
 * shorter file); null when it may be CSV text, which the scanner then judges by the CSV rules.
 * Always given the same bytes whatever chunks they arrived in, so its verdict never depends on them.
 */
export function sniffFileType(head: Uint8Array): FileType | null {
  for (const s of SIGNATURES) {
    if (!startsWith(head, s.at, s.bytes)) continue;
    if (s.type === ZIP && looksLikeXlsx(head)) return XLSX;
    return s.type;
  }
  // bzip2: "BZh" and a block size digit.
  if (startsWith(head, 0, ascii('BZh')) && head.length > 3 && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return { what: 'bzip2-compressed data', rest: ONLY_GZIP };
  }
  const text = startsWith(head, 0, [0xef, 0xbb, 0xbf]) ? head.subarray(3) : head;
  return wideText(text) ?? binary(text, head.length >= SNIFF_BYTES) ?? markup(text);
}

/** An xlsx workbook names its parts near the start of the archive. */
function looksLikeXlsx(head: Uint8Array): boolean {
  const names = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  return names.includes('[Content_Types].xml') || names.includes('xl/');
}

/** UTF-16 or UTF-32 without a byte-order mark: ASCII with a zero byte beside each character. */
function wideText(text: Uint8Array): FileType | null {
  const quads = Math.floor(text.length / 4);
  if (quads >= 2) {
    let little = 0;
    let big = 0;
    for (let i = 0; i < quads * 4; i += 4) {
      if (text[i]! !== 0 && text[i + 1] === 0 && text[i + 2] === 0 && text[i + 3] === 0) little++;
      if (text[i] === 0 && text[i + 1] === 0 && text[i + 2] === 0 && text[i + 3]! !== 0) big++;
    }
    if (little >= 0.8 * quads) return UTF32('little', false);
    if (big >= 0.8 * quads) return UTF32('big', false);
  }
  const pairs = Math.floor(text.length / 2);
  if (pairs < 4) return null;
  let little = 0;
  let big = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (text[i]! !== 0 && text[i + 1] === 0) little++;
    if (text[i] === 0 && text[i + 1]! !== 0) big++;
  }
  if (little >= 0.8 * pairs) return UTF16('little', false);
  if (big >= 0.8 * pairs) return UTF16('big', false);
  return null;
}

const TAB = 9;
const LF = 10;
const CR = 13;

/**
 * Random bytes, a program, a compressed or damaged file: more than a tenth of the bytes are
 * control characters (other than tab and line ends) or not UTF-8. A CSV file with a stray NUL or
 * a mis-encoded name is far below that; its rows are rejected one by one instead (row-problems.ts).
 */
function binary(text: Uint8Array, cut: boolean): FileType | null {
  if (text.length === 0) return null;
  let zeros = 0;
  let controls = 0;
  for (const c of text) {
    if (c === 0) zeros++;
    else if ((c < 32 && c !== TAB && c !== LF && c !== CR) || c === 127) controls++;
  }
  if (zeros === text.length) {
    return {
      what: 'a run of zero bytes (NUL)',
      rest: ', not CSV text: such bytes are what a copy or download that never finished leaves behind. Send the snapshot again.',
    };
  }
  // A character cut off by the end of the sample is not a fault of the file's.
  const invalid = invalidUtf8Bytes(cut ? text.subarray(0, Math.max(0, text.length - 3)) : text);
  const odd = zeros + controls + invalid;
  if (odd * 10 <= text.length) return null;
  return {
    what: 'binary data',
    rest:
      `, not CSV text: ${odd.toLocaleString('en-GB')} of its first ${text.length.toLocaleString('en-GB')} bytes are control characters or not UTF-8, ` +
      `as in a program, an image or a compressed file. ${SEND_CSV.charAt(0).toUpperCase()}${SEND_CSV.slice(1)}`,
  };
}

/** Bytes that are not part of a well-formed UTF-8 character (each bad lead or stray continuation counts one). */
export function invalidUtf8Bytes(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return 0;
  let invalid = 0;
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    const length = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length || !isUtf8(bytes.subarray(i, i + length))) {
      invalid++;
      i++;
    } else {
      i += length;
    }
  }
  return invalid;
}

/** An HTML page (a proxy's error page, a sign-in page), XML, JSON or RTF saved in place of the file. */
function markup(text: Uint8Array): FileType | null {
  const start = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('utf8').trimStart();
  const lower = start.slice(0, 256).toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<title/.test(lower) || (lower.startsWith('<!--') && /<html/i.test(start))) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(start)?.[1]?.replace(/\s+/g, ' ').trim() ?? '';
    const shown = title.length > 80 ? `${title.slice(0, 80)}…` : title;
    return {
      what: `an HTML page${shown === '' ? '' : ` (titled ${JSON.stringify(shown)})`}`,
      rest: ', not CSV text: perhaps an error or sign-in page saved in place of the file. Download the snapshot again and send the CSV file itself.',
    };
  }
  if (lower.startsWith('<?xml')) return { what: 'an XML document', rest: NOT_CSV };
  if (/^<[a-z!]/.test(lower)) return { what: 'an XML or HTML document', rest: NOT_CSV };
  if (lower.startsWith('{\\rtf')) return { what: 'an RTF document', rest: NOT_CSV };
  if (/^\{\s*("|\})|^\[\s*("|\{|\[|\]|-?\d)/.test(start)) return { what: 'JSON data', rest: NOT_CSV };
  return null;
}
