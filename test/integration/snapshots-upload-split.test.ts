// A large upload over HTTP is read, hashed and scanned on two threads (spool-scan.ts): what is
// stored must be exactly what the CLI's import of the same file stores — counts per User and
// device type, the rejected rows with their line numbers and reasons, the archived bytes — plain
// and gzip, through the API and the web page, also when the cut between the threads falls inside a
// quoted field (the second thread guesses wrong and the first scans on alone).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { generateInventory } from '../../bench/scan/generate-inventory.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { archiveWorkDone, readArchivedText } from '../../server/snapshots/ingest/archive.ts';
import { ingestSnapshot } from '../../server/snapshots/ingest/ingest-snapshot.ts';
import { createScanner } from '../../server/snapshots/format/scanner.ts';
import { readSnapshot } from '../../server/snapshots/reading/read-snapshot.ts';
import { SPOOL_FIRST_SHARE } from '../../server/snapshots/reading/spool-scan.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { storedCounts, storedRejections, TEST_ACTOR } from '../unit/snapshots/ingest-helpers.ts';

const ROWS = 900_000; // about 71 MB: above the size from which uploads are split
const SYSTEM = { kind: 'system', name: 'test' } as const;
const PASSWORD = 'large uploads 123';
const SETTINGS = { implementationDate: '2018-06-28', mapRegister: null };

/** POSTs a file from disk as the request body, with its Content-Length, as curl --data-binary does. */
function postFile(url: string, file: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(statSync(file).size) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(req);
  });
}

async function textOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('a large upload scanned on two threads', () => {
  let dir: string;
  const files: Record<'plain' | 'gzip' | 'quoted', string> = { plain: '', gzip: '', quoted: '' };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bfm-upload-split-'));
    files.plain = path.join(dir, 'smi-20240131.csv');
    generateInventory({ rows: ROWS, path: files.plain });
    files.gzip = path.join(dir, 'smi-20240229.csv.gz');
    writeFileSync(files.gzip, gzipSync(readFileSync(files.plain), { level: 1 }));
    // Every row with a quoted note holding a line break, one of them right after the cut: the
    // second thread starts inside a quoted field.
    const lines = readFileSync(files.plain, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const text = [`${lines[0]},notes`, ...lines.slice(1).map((l, i) => `${l},"note ${i}\nsecond line"`)].join('\n') + '\n';
    const cut = Math.floor(Buffer.byteLength(text) * SPOOL_FIRST_SHARE);
    assert.notEqual(text[text.indexOf('\n', cut) - 1], '"', 'the first line break after the cut is inside quotes');
    files.quoted = path.join(dir, 'smi-20240331.csv');
    writeFileSync(files.quoted, text);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('splits a plain body between two threads, and scans it on one when the guess is wrong or the body is gzip', async () => {
    for (const [file, threads, gzip] of [
      [files.plain, 2, false],
      [files.quoted, 1, false],
      [files.gzip, 1, true],
    ] as const) {
      const rejections: Array<{ line: number; reason: string }> = [];
      const onRejection = (line: number, reason: string): void => void rejections.push({ line, reason });
      const copy = path.join(dir, 'copy');
      const read = await readSnapshot(
        { kind: 'stream', chunks: createReadStream(file, { highWaterMark: 64 * 1024 }), expectedBytes: statSync(file).size },
        {
          scanner: createScanner({ ...SETTINGS, mapRegister: undefined, onRejection }),
          archiveTo: copy,
          workers: { settings: SETTINGS, onRejection, spillPath: path.join(dir, 'spill') },
        },
      );
      assert.equal(read.fatal, null, file);
      assert.equal(read.threads, threads, file);
      assert.equal(read.gzip, gzip);
      // The copy is the bytes sent, whole.
      const sent = readFileSync(file);
      assert.equal(read.sha256, sha256(sent));
      assert.ok(readFileSync(copy).equals(sent), 'the copy holds the bytes sent');
      rmSync(copy);
      assert.ok(rejections.length > 50, `${file}: ${rejections.length} rejected rows passed on`);
    }
  });

  it('refuses a body whose first part is broken, draining the rest, and leaves no copy behind', async () => {
    // Text after a closing quote on line 100, in the first thread's part: the file is refused for that line.
    const original = readFileSync(files.plain);
    let at = 0;
    for (let line = 1; line < 100; line++) at = original.indexOf(10, at) + 1;
    const bytes = Buffer.concat([original.subarray(0, at), Buffer.from('"a"b'), original.subarray(at)]);
    const copy = path.join(dir, 'copy-refused');
    let pieces = 0;
    const read = await readSnapshot(
      {
        kind: 'stream',
        chunks: Readable.from(
          (function* () {
            for (let i = 0; i < bytes.length; i += 1 << 20) {
              pieces++;
              yield bytes.subarray(i, i + (1 << 20));
            }
          })(),
        ),
        expectedBytes: bytes.length,
      },
      {
        scanner: createScanner({ ...SETTINGS, mapRegister: undefined, onRejection: () => undefined }),
        archiveTo: copy,
        drainOnRefusal: true,
        workers: { settings: SETTINGS, onRejection: () => undefined, spillPath: path.join(dir, 'spill') },
      },
    );
    assert.equal(read.fatal?.line, 100);
    assert.match(read.fatal?.message ?? '', /^line 100: broken quoting: text after the closing quote/);
    assert.equal(pieces, Math.ceil(bytes.length / (1 << 20)), 'the whole body was read');
    assert.throws(() => statSync(copy), /ENOENT/);
  });

  for (const kind of databaseKinds) {
    describe(`on ${kind.name}`, { skip: kind.skip }, () => {
      let cliDb: TestDatabase;
      let httpDb: TestDatabase;
      let cliDataDir: string;
      let server: TestServer;
      let token: string;
      let dcc: TestClient;

      before(async () => {
        cliDb = await kind.create();
        httpDb = await kind.create();
        cliDataDir = mkdtempSync(path.join(tmpdir(), 'bfm-upload-split-cli-'));
        token = (await createApiToken(httpDb.db.knex, { name: 'dcc system', role: 'dcc' }, SYSTEM)).token;
        await addAccount(httpDb.db.knex, { email: 'dcc@example.org', role: 'dcc', password: PASSWORD }, SYSTEM);
        server = await startTestServer(httpDb.url, { LOGIN_RATE_LIMIT: '1000' });
        dcc = new TestClient(server.url);
        assert.equal((await dcc.login('dcc@example.org', PASSWORD)).status, 303);
      });
      after(async () => {
        await archiveWorkDone();
        await server?.stop();
        await cliDb?.drop();
        await httpDb?.drop();
        rmSync(cliDataDir, { recursive: true, force: true });
      });

      /** What the CLI's import of `file` stores, and what the upload answered and stored, side by side. */
      async function compare(file: string, uploaded: { status: number; body: string }): Promise<void> {
        const cli = await ingestSnapshot(
          { knex: cliDb.db.knex, dataDir: cliDataDir },
          { source: 'cli', fileName: path.basename(file), actor: TEST_ACTOR, bytes: { kind: 'file', path: file } },
        );
        assert.equal(cli.status, 'imported', JSON.stringify(cli.errors.slice(0, 3)));
        assert.equal(uploaded.status, 201, uploaded.body.slice(0, 500));
        const answer = JSON.parse(uploaded.body) as { snapshotId: number; sha256: string; rows: number; accepted: number; rejected: number; errors: unknown[] };
        assert.deepEqual(
          { rows: answer.rows, accepted: answer.accepted, rejected: answer.rejected, sha256: answer.sha256 },
          { rows: cli.rows, accepted: cli.accepted, rejected: cli.rejected, sha256: cli.sha256 },
        );
        assert.equal(answer.rows, ROWS);
        assert.ok(answer.rejected > 50, `${answer.rejected} rejected`);
        assert.deepEqual(await storedCounts(httpDb.db.knex, answer.snapshotId), await storedCounts(cliDb.db.knex, cli.snapshotId!));
        const rejections = await storedRejections(httpDb.db.knex, answer.snapshotId);
        assert.deepEqual(rejections, await storedRejections(cliDb.db.knex, cli.snapshotId!));
        assert.ok(
          rejections.some((r) => r.reason.startsWith('duplicate')),
          'duplicates found across the two parts',
        );
        // The archive holds the bytes sent: decompressed, equal to them, with the SHA-256 recorded.
        await archiveWorkDone();
        const sent = readFileSync(file);
        const text = file.endsWith('.gz') ? Buffer.from(await textOf(Readable.from([sent]).pipe((await import('node:zlib')).createGunzip()))) : sent;
        const stored = await httpDb.db.knex('snapshots').where({ id: answer.snapshotId }).first();
        assert.equal(stored.sha256, sha256(sent));
        const archived = await textOf(await readArchivedText(server.dataDir, stored));
        assert.ok(archived.equals(text), 'the archive holds the text sent');
        const cliStored = await cliDb.db.knex('snapshots').where({ id: cli.snapshotId }).first();
        assert.ok((await textOf(await readArchivedText(cliDataDir, cliStored))).equals(archived), 'the same text as the CLI archived');
      }

      it('stores a plain upload to the API exactly as the CLI import of the file', async () => {
        const uploaded = await postFile(`${server.url}/api/v1/snapshots?fileName=smi-20240131.csv`, files.plain, {
          'content-type': 'text/csv',
          authorization: `Bearer ${token}`,
        });
        await compare(files.plain, uploaded);
      });

      it('stores a gzip upload to the API exactly as the CLI import of the file', async () => {
        const uploaded = await postFile(`${server.url}/api/v1/snapshots?fileName=smi-20240229.csv.gz`, files.gzip, {
          'content-type': 'application/gzip',
          authorization: `Bearer ${token}`,
        });
        await compare(files.gzip, uploaded);
      });

      it('stores an API upload whose cut falls inside a quoted field exactly as the CLI import of the file', async () => {
        const uploaded = await postFile(`${server.url}/api/v1/snapshots?fileName=smi-20240331.csv`, files.quoted, {
          'content-type': 'text/csv',
          authorization: `Bearer ${token}`,
        });
        await compare(files.quoted, uploaded);
      });

      it('stores a web page upload exactly as the CLI import of the file', async () => {
        const action = await dcc.formAction('/snapshots', 'upload-form');
        const boundary = '----bfmLargeUploadBoundary';
        const head = Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="asOf"\r\n\r\n\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="smi-20240430.csv"\r\nContent-Type: text/csv\r\n\r\n`,
        );
        const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
        const body = path.join(dir, 'multipart-body');
        // The plain file with one more blank line at its end: other bytes than the API's upload, the same rows.
        const plainAgain = path.join(dir, 'smi-20240430.csv');
        writeFileSync(plainAgain, Buffer.concat([readFileSync(files.plain), Buffer.from('\n')]));
        writeFileSync(body, Buffer.concat([head, readFileSync(plainAgain), tail]));
        const uploaded = await postFile(`${server.url}${action}`, body, {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          accept: 'application/json',
          cookie: dcc.cookieHeader(),
        });
        rmSync(body);
        await compare(plainAgain, uploaded);
      });
    });
  }
});
