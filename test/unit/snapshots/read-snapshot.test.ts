// Reading a snapshot's bytes once: gzip recognised by its magic bytes however the bytes arrive,
// the hash and the raw copy of exactly the bytes sent, and the scanner fed the text.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { PayloadTooLargeError } from '../../../server/errors.ts';
import { readSnapshot } from '../../../server/snapshots/reading/read-snapshot.ts';
import { createScanner } from '../../../server/snapshots/format/scanner.ts';
import { gzipRepeating } from '../../fixtures/hostile-files.ts';
import { file, HEADER, row, scanBytes, USER_A, USER_B } from './scan-helpers.ts';

const TEXT = file(...Array.from({ length: 30_000 }, (_, i) => row(i + 1)));
const SMALL = file(...Array.from({ length: 300 }, (_, i) => row(i + 1)));
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('readSnapshot', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bfm-read-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const scanner = () => createScanner({ implementationDate: '2018-06-28', onRejection: () => undefined });

  for (const [name, bytes, small] of [
    ['plain', Buffer.from(TEXT), Buffer.from(SMALL)],
    ['gzip', gzipSync(TEXT), gzipSync(SMALL)],
  ] as const) {
    for (const size of [1, 3, 4096, 1 << 20]) {
      it(`hashes, copies and scans a ${name} stream sent in pieces of ${size} bytes`, async () => {
        const copy = path.join(dir, `${name}-${size}.part`);
        // In tiny pieces, a smaller file: the point is the boundaries, not the size.
        const sent = size <= 3 ? small : bytes;
        const result = await readSnapshot({ kind: 'stream', chunks: pieces(sent, size) }, { scanner: scanner(), archiveTo: copy });
        assert.equal(result.fatal, null);
        assert.equal(result.gzip, name === 'gzip');
        assert.equal(result.bytes, sent.length);
        assert.equal(result.sha256, sha(sent));
        assert.deepEqual(readFileSync(copy), Buffer.from(sent));
        assert.equal(result.scan.rows, size <= 3 ? 300 : 30_000);
      });
    }
    it(`reads a ${name} file from disk the same way`, async () => {
      const source = path.join(dir, `source.${name}`);
      writeFileSync(source, bytes);
      const progress: number[] = [];
      const result = await readSnapshot({ kind: 'file', path: source }, { scanner: scanner(), archiveTo: null, onProgress: (b) => progress.push(b) });
      assert.equal(result.sha256, sha(bytes));
      assert.equal(result.scan.rows, 30_000);
      assert.equal(progress.at(-1), bytes.length);
    });
  }

  it('takes a file of one byte as plain text (and it is refused: no header row)', async () => {
    const result = await readSnapshot({ kind: 'stream', chunks: pieces(Buffer.from('x'), 1) }, { scanner: scanner(), archiveTo: null });
    assert.equal(result.gzip, false);
    assert.match(result.fatal?.message ?? '', /^line 1: no header/);
  });

  it('stops at the limit with PayloadTooLargeError and removes its copy', async () => {
    const copy = path.join(dir, 'limit.part');
    await assert.rejects(
      readSnapshot({ kind: 'stream', chunks: pieces(Buffer.from(TEXT), 65_536) }, { scanner: scanner(), archiveTo: copy, maxBytes: 100_000 }),
      (err: unknown) => err instanceof PayloadTooLargeError && /larger than the 97\.7 KiB/.test(err.message),
    );
    assert.ok(!existsSync(copy));
  });

  it('removes its copy when the file is refused, and can read the rest of a stream to its end', async () => {
    const copy = path.join(dir, 'refused.part');
    const broken = Buffer.from(TEXT.replace(row(100), row(100, { map_id: '"x"y' })));
    let pulled = 0;
    function* counted(): Generator<Uint8Array> {
      for (const piece of pieces(broken, 10_000)) {
        pulled += piece.length;
        yield piece;
      }
    }
    const result = await readSnapshot({ kind: 'stream', chunks: counted() }, { scanner: scanner(), archiveTo: copy, drainOnRefusal: true });
    assert.match(result.fatal?.message ?? '', /^line 101: broken quoting/);
    assert.equal(pulled, broken.length, 'read to the end');
    assert.ok(!existsSync(copy));
  });

  it('fails, without waiting forever, when the gzip scanning worker dies, and removes its copy', async () => {
    const copy = path.join(dir, 'crashed.part');
    // Settings the worker's scanner refuses to be made with: it throws as it starts.
    const workers = { settings: { implementationDate: 'not a date', mapRegister: null }, onRejection: () => undefined, spillPath: path.join(dir, 'spill') };
    await assert.rejects(
      readSnapshot({ kind: 'stream', chunks: pieces(gzipSync(TEXT), 4096) }, { scanner: scanner(), archiveTo: copy, workers }),
      /implementationDate "not a date" is not a YYYY-MM-DD date/,
    );
    assert.ok(!existsSync(copy));
  });

  it('stops reading a large gzip stream once its scanning worker refuses it, even while waiting for zlib', { timeout: 60_000 }, async () => {
    // Far more compressed bytes than the inflater lets run ahead, and the refusal a quarter of the
    // way in: this thread is then usually waiting for zlib, and zlib for the worker that has
    // stopped scanning.
    // (An extra column, which the scanner ignores, of random text that gzip cannot shrink much.)
    const many = Array.from({ length: 400_000 }, (_, i) => `${row(i + 1, i === 100_000 ? { map_id: '"x"y' } : {})},${randomBytes(30).toString('base64')}`);
    const gz = gzipSync(Buffer.from(`${[`${HEADER},notes`, ...many].join('\n')}\n`));
    assert.ok(gz.length > 8 * 1024 * 1024, `large enough (${gz.length} bytes)`);
    let pulled = 0;
    function* counted(): Generator<Uint8Array> {
      for (const piece of pieces(gz, 65_536)) {
        pulled += piece.length;
        yield piece;
      }
    }
    const workers = { settings: { implementationDate: '2018-06-28', mapRegister: null }, onRejection: () => undefined, spillPath: path.join(dir, 'spill') };
    const result = await readSnapshot({ kind: 'stream', chunks: counted() }, { scanner: scanner(), archiveTo: null, workers });
    assert.match(result.fatal?.message ?? '', /^line 100002: broken quoting/);
    assert.ok(pulled < gz.length, 'stopped before the end');
  });

  for (const where of ['here', 'on a worker'] as const) {
    describe(`a gzip file whose text is many times the inflater's slots (16 MB through 8 slots of 1 MB), scanned ${where}`, () => {
      // Variety the counts can get wrong: both fuels, two Users, MAP IDs, rejected rows, duplicates.
      const rows = Array.from({ length: 200_000 }, (_, i) =>
        row(i % 50_000 === 49_999 ? i : i + 1, {
          device_type: i % 3 === 0 ? 'GSME' : 'ESME',
          responsible_user_id: i % 2 === 0 ? USER_A : USER_B,
          map_id: i % 5 === 0 ? 'AB12' : '',
          prenotified_date: i % 1000 === 7 ? '2017-02-30' : '2017-01-01',
        }),
      );
      // (file() would take 200 000 arguments.)
      const lines = (all: string[]): Buffer => Buffer.from(`${[HEADER, ...all].join('\n')}\n`);
      const text = lines(rows);
      const gz = gzipSync(text);
      const rejectedLines: number[] = [];
      // The independent answer: the plain text, scanned on this thread in one piece.
      const expected = scanBytes(text, { onRejection: (line) => rejectedLines.push(line) });
      const expectedOrder = [...rejectedLines];

      const read = async (source: Parameters<typeof readSnapshot>[0], maxUsers?: number) => {
        const rejected: number[] = [];
        const onRejection = (line: number): void => {
          rejected.push(line);
        };
        const scan = createScanner({ implementationDate: '2018-06-28', onRejection, maxUsers });
        const workers = { settings: { implementationDate: '2018-06-28', mapRegister: null, maxUsers }, onRejection, spillPath: path.join(dir, 'spill') };
        const result = await readSnapshot(source, { scanner: scan, archiveTo: null, workers: where === 'here' ? undefined : workers });
        if (where === 'on a worker') assert.equal(scan.rows, 0, 'nothing was scanned on this thread');
        return { result, rejected };
      };

      it('counts exactly what the plain text counts, from a file and from a stream', async () => {
        assert.deepEqual([expected.rows, expected.rejected, expected.devices], [200_000, 204, 199_996], 'rejected rows and duplicates among them');
        const source = path.join(dir, 'big.csv.gz');
        writeFileSync(source, gz);
        for (const from of [{ kind: 'file', path: source } as const, { kind: 'stream', chunks: pieces(gz, 65_536) } as const]) {
          const { result, rejected } = await read(from);
          assert.equal(result.fatal, null);
          // In file order, as one scanner would give them: rows rejected for a field, then the duplicates.
          assert.deepEqual(rejected, expectedOrder);
          assert.equal(result.gzip, true);
          assert.equal(result.sha256, sha(gz));
          assert.deepEqual(result.scan.counts, expected.counts);
          assert.deepEqual([result.scan.rows, result.scan.rejected, result.scan.devices], [expected.rows, expected.rejected, expected.devices]);
        }
      });

      it('refuses broken quoting far into the text, naming its line', async () => {
        const broken = lines([...rows.slice(0, 150_000), row(150_001, { map_id: '"x"y' }), ...rows.slice(150_001)]);
        const { result } = await read({ kind: 'stream', chunks: pieces(gzipSync(broken), 65_536) });
        assert.match(result.fatal?.message ?? '', /^line 150002: broken quoting: text after the closing quote of field 5/);
      });

      it('refuses a file naming more Users than allowed on the line one scanner names, reading no further', async () => {
        // A new User every 10 rows: the 1,001st first appears on row 10,001 (line 10,002).
        const userOf = (i: number): string =>
          `90B3D51F${Math.floor(i / 10)
            .toString(16)
            .toUpperCase()
            .padStart(8, '0')}`;
        const many = lines(Array.from({ length: 100_000 }, (_, i) => row(i + 1, { responsible_user_id: userOf(i) })));
        const { result } = await read({ kind: 'stream', chunks: pieces(gzipSync(many), 65_536) }, 1000);
        assert.deepEqual(result.fatal, scanBytes(many, { maxUsers: 1000 }).fatal);
        assert.match(result.fatal?.message ?? '', /^line 10002: the file names more Users than the max-users setting allows \(1,000\)/);
        assert.ok(result.scan.rows < 100_000, `stopped early (${result.scan.rows} rows)`);
      });

      it('reads a gzip file of several members whole, as RFC 1952 allows', async () => {
        const members = Buffer.concat([gzipSync(lines(rows.slice(0, 80_000))), gzipSync(Buffer.from(`${rows.slice(80_000).join('\n')}\n`))]);
        const { result } = await read({ kind: 'stream', chunks: pieces(members, 65_536) });
        assert.equal(result.fatal, null);
        assert.deepEqual([result.scan.rows, result.scan.rejected], [expected.rows, expected.rejected]);
        assert.deepEqual(result.scan.counts, expected.counts);
      });

      it('stops a "gzip bomb" once its text passes 100 times what it has read, long before its end', async () => {
        // About 4 MB that would inflate to 4 GiB of one repeated row.
        const row1 = `${row(1)}\n`;
        const bomb = gzipRepeating(Buffer.from(`${HEADER}\n`), Buffer.from(row1.repeat(Math.floor((1 << 20) / row1.length))), 4096);
        let pulled = 0;
        function* counted(): Generator<Uint8Array> {
          for (const piece of pieces(bomb, 65_536)) {
            pulled += piece.length;
            yield piece;
          }
        }
        const { result } = await read({ kind: 'stream', chunks: counted() });
        assert.match(
          result.fatal?.message ?? '',
          /^line \d+: the gzip file expands more than 100 times: [\d.]+ MB of compressed data had become [\d.]+ MB of text by this line, where an inventory extract compresses about 5 times: this looks like a "gzip bomb", so it was not read further/,
        );
        assert.ok(result.scan.rows < 1_000_000, `stopped after ${result.scan.rows} rows of the 60 million`);
        assert.ok(pulled < bomb.length, 'and read no further');
      });

      it('refuses gzip damaged far into the file, naming the line the text reached', async () => {
        const damaged = Buffer.from(gz);
        for (let at = Math.floor(damaged.length * 0.75); at < Math.floor(damaged.length * 0.75) + 64; at++) damaged[at] = 0xff - damaged[at]!;
        const { result } = await read({ kind: 'stream', chunks: pieces(damaged, 65_536) });
        const line = result.fatal?.line ?? 0;
        assert.match(result.fatal?.message ?? '', new RegExp(`^line ${line}: broken gzip: the compressed data is damaged`));
        // Damaged data may inflate to some garbage before zlib sees the damage, so no upper bound.
        assert.ok(line > 100_000, `the text got far before the damage (line ${line})`);
      });
    });
  }
});
