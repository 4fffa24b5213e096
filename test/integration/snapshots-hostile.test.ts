// Every file of the hostile corpus (test/fixtures/hostile-files.ts) through the three ways a person
// or system sends one: the CLI (in-process), the Snapshots page (a logged-in DCC browser posting
// the multipart form with its CSRF token) and the API (bearer token). Each refusal must say what
// is wrong in the sentence the corpus expects, leave the server answering, and store nothing: no
// snapshot, counts, rejected rows or Users, no archive or temporary file; the attempt is recorded
// as failed with that reason. The few files that are fine import, once, with what they hold.
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAccount } from '../../server/auth/accounts.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { archiveWorkDone } from '../../server/snapshots/ingest/archive.ts';
import { CORPUS_MAX_USERS, hostileFiles, isRefusal, writeHostileCorpus, type HostileFile, type RefusalExpected } from '../fixtures/hostile-files.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { archiveFiles, storedRows, TEST_ACTOR } from '../unit/snapshots/ingest-helpers.ts';

const PASSWORD = 'hostile files 12345';

/** One error as each way in reports it. */
interface Said {
  line: number | null;
  reason: string;
}

interface Answer {
  status: number;
  body: string;
  location: string | null;
}

/** POSTs the parts (text, or a file streamed from disk) as one chunked body, as a browser or curl streams a large file. */
function post(url: string, headers: Record<string, string>, parts: Array<string | { file: string }>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location ?? null }));
    });
    // A server that answers before the end closes the connection: what it said is what counts.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const next = (i: number): void => {
      if (i === parts.length) {
        req.end();
        return;
      }
      const part = parts[i]!;
      if (typeof part === 'string') {
        req.write(part, () => next(i + 1));
        return;
      }
      const stream = createReadStream(part.file, { highWaterMark: 1024 * 1024 });
      stream.on('error', reject);
      stream.on('end', () => next(i + 1));
      stream.pipe(req, { end: false });
    };
    next(0);
  });
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
const unescapeHtml = (html: string): string => html.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => ENTITIES[entity]!);

/**
 * The reasons the Snapshots page lists under "There is a problem": a file refused for its rejected
 * rows says why above its groups, and lists its first rows by line after them.
 */
function refusalListed(html: string): Said[] {
  const why = /<p class="refusal-reason">([\s\S]*?)\. The rejected rows, by reason:<\/p>/.exec(html)?.[1];
  const list = /<ul class="error-list refusal-list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  const rows = [...list.matchAll(/<li>(?:<strong>Line ([\d,]+):<\/strong> )?([\s\S]*?)<\/li>/g)].map((m) => ({
    line: m[1] === undefined ? null : Number(m[1].replace(/,/g, '')),
    reason: unescapeHtml(m[2]!),
  }));
  return why === undefined ? rows : [{ line: null, reason: unescapeHtml(why) }, ...rows];
}

/** Every file under DATA_DIR/archive (the temporary folder included), once background compression is done. */
async function archived(dataDir: string): Promise<ReturnType<typeof archiveFiles>> {
  await archiveWorkDone();
  return archiveFiles(dataDir);
}

function assertRefusal(said: Said[], expected: RefusalExpected, how: string): void {
  const first = said[0];
  assert.ok(first, `${how}: a reason is given`);
  assert.match(first.reason, expected.refused, how);
  if (expected.line === 'some') assert.ok(Number.isInteger(first.line) && first.line! >= 1, `${how}: a line is named`);
  else assert.equal(first.line, expected.line, `${how}: the line`);
  if (expected.also) {
    const { line, reason } = expected.also;
    assert.ok(
      said.some((s) => s.line === line && reason.test(s.reason)),
      `${how}: line ${line} is listed with ${String(reason)}; listed: ${JSON.stringify(said.slice(0, 5))}`,
    );
  }
}

const corpus = hostileFiles();

describe('hostile snapshot files', () => {
  let dir: string;
  /** Where each file of the corpus was written, by its name: written once, sent every way. */
  let paths: Map<string, string>;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bfm-hostile-'));
    paths = writeHostileCorpus(dir, corpus);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is a corpus of at least 50 distinct files', () => {
    assert.ok(corpus.length >= 50, `${corpus.length} files`);
    assert.equal(new Set(corpus.map((c) => c.name)).size, corpus.length);
  });

  for (const kind of databaseKinds) {
    describe(`through the CLI, the Snapshots page and the API on ${kind.name}`, { skip: kind.skip }, () => {
      let t: TestDatabase;
      let server: TestServer;
      let dcc: TestClient;
      let token: string;

      before(async () => {
        t = await kind.create();
        await addAccount(t.db.knex, { email: 'dcc@example.org', role: 'dcc', password: PASSWORD }, TEST_ACTOR);
        token = (await createApiToken(t.db.knex, { name: 'DCC uploader', role: 'dcc' }, TEST_ACTOR)).token;
        await changeSetting(t.db.knex, 'max-users', String(CORPUS_MAX_USERS), TEST_ACTOR);
        server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
        dcc = new TestClient(server.url);
        assert.equal((await dcc.login('dcc@example.org', PASSWORD)).status, 303);
      });
      after(async () => {
        await server?.stop();
        await t?.drop();
      });

      const viaCli = async (file: HostileFile): Promise<{ code: number; out: Record<string, unknown> & { errors: Said[] } }> => {
        const args = ['snapshot', 'import', paths.get(file.name)!, '--json', ...(file.asOf === undefined ? [] : ['--as-of', file.asOf])];
        const res = await runCliInProcess(args, { env: { DATABASE_URL: t.url, DATA_DIR: server.dataDir } });
        assert.equal(res.stderr, '', 'the CLI says nothing on stderr with --json');
        return { code: res.code ?? -1, out: JSON.parse(res.stdout) as Record<string, unknown> & { errors: Said[] } };
      };

      const viaWeb = async (file: HostileFile): Promise<Answer> => {
        const action = await dcc.formAction('/snapshots', 'upload-form');
        const boundary = '----bfmHostileBoundary7MA4YWxk';
        const asOf = `--${boundary}\r\nContent-Disposition: form-data; name="asOf"\r\n\r\n${file.asOf ?? ''}\r\n`;
        const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
        return post(
          new URL(action, server.url).toString(),
          { cookie: dcc.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}`, accept: 'text/html' },
          [asOf, fileHead, { file: paths.get(file.name)! }, `\r\n--${boundary}--\r\n`],
        );
      };

      const viaApi = (file: HostileFile): Promise<Answer> => {
        const query = new URLSearchParams({ fileName: file.fileName, ...(file.asOf === undefined ? {} : { asOf: file.asOf }) });
        return post(`${server.url}/api/v1/snapshots?${query}`, { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, [
          { file: paths.get(file.name)! },
        ]);
      };

      /** The server answers, and the attempt just made is recorded as failed with the reason given. */
      const assertRecordedAndAlive = async (reason: string, how: string): Promise<void> => {
        const health = await fetch(`${server.url}/healthz`);
        assert.equal(health.status, 200, `${how}: the server still answers`);
        const attempt = (await t.db.knex('snapshot_imports').orderBy('id', 'desc').first()) as { status: string; errors: string };
        assert.equal(attempt.status, 'failed', `${how}: the attempt is recorded as failed`);
        assert.equal((JSON.parse(attempt.errors) as Said[])[0]?.reason, reason, `${how}: with the reason given`);
      };

      for (const file of corpus) {
        it(file.name, async () => {
          const expected = file.expected;
          const stored = await storedRows(t.db.knex);
          const archivedBefore = await archived(server.dataDir);

          if (!isRefusal(expected)) {
            const cli = await viaCli(file);
            assert.equal(cli.code, 0, JSON.stringify(cli.out.errors.slice(0, 3)));
            assert.deepEqual(
              { status: cli.out.status, rows: cli.out.rows, accepted: cli.out.accepted, rejected: cli.out.rejected, errors: cli.out.errors },
              { status: 'imported', ...expected.imported, errors: expected.errors },
            );
            // The same bytes again, by the other ways: recognised, not imported twice.
            const web = await viaWeb(file);
            assert.equal(web.status, 303, web.body.slice(0, 300));
            assert.match(web.location ?? '', new RegExp(`^/snapshots/${String(cli.out.snapshotId)}\\?import=\\d+$`));
            const api = await viaApi(file);
            assert.equal(api.status, 200, api.body.slice(0, 300));
            const body = JSON.parse(api.body) as { status: string; snapshotId: number; errors: Said[] };
            assert.deepEqual([body.status, body.snapshotId, body.errors], ['duplicate', cli.out.snapshotId, expected.errors]);
            return;
          }

          const cli = await viaCli(file);
          assert.equal(cli.code, 1);
          assert.equal(cli.out.status, 'failed');
          assertRefusal(cli.out.errors, expected, 'CLI');
          await assertRecordedAndAlive(cli.out.errors[0]!.reason, 'CLI');

          const web = await viaWeb(file);
          assert.equal(web.status, 422, web.body.slice(0, 300));
          assert.match(web.body, new RegExp(`${file.fileName.replace(/[.]/g, '\\.')} was not imported\\. Nothing of it was stored\\.`));
          const listed = refusalListed(web.body);
          assertRefusal(listed, expected, 'web');
          await assertRecordedAndAlive(listed[0]!.reason, 'web');

          const api = await viaApi(file);
          assert.equal(api.status, 422, api.body.slice(0, 300));
          const fields = (JSON.parse(api.body) as { error: { fields: Array<{ field: string; line?: number; message: string }> } }).error.fields;
          assertRefusal(
            fields.map((f) => ({ line: f.line ?? null, reason: f.message })),
            expected,
            'API',
          );
          await assertRecordedAndAlive(fields[0]!.message, 'API');

          // The three said the same, and nothing of any of them was kept.
          assert.deepEqual([listed[0], { line: fields[0]!.line ?? null, reason: fields[0]!.message }], [cli.out.errors[0], cli.out.errors[0]]);
          assert.deepEqual(await storedRows(t.db.knex), stored, 'nothing stored');
          assert.deepEqual(await archived(server.dataDir), archivedBefore, 'no archive or temporary file left');
        });
      }
    });
  }
});
