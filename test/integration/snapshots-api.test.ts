// The snapshot API for the DCC's systems (SPEC §6.2): the file as the request body, streamed;
// 201 imported, 200 duplicate, 422 refused with reasons, 413 past UPLOAD_MAX_BYTES (declared or
// while streaming); bearer tokens only, for dcc and secas.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../server/auth/tokens.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { HEADER, row, USER_A } from '../unit/snapshots/scan-helpers.ts';
import { archiveFiles, storedRows } from '../unit/snapshots/ingest-helpers.ts';

const LIMIT = 100_000;
const SYSTEM = { kind: 'system', name: 'test' } as const;

/** A raw HTTP request, so that bodies can be streamed in pieces without a Content-Length. */
function send(url: string, options: { method: string; headers?: Record<string, string>; chunks?: Buffer[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    const chunks = options.chunks ?? [];
    let i = 0;
    const next = (): void => {
      if (i === chunks.length) {
        req.end();
        return;
      }
      // A server that has answered early closes the connection: stop sending, read its answer.
      req.write(chunks[i++], (err) => (err ? req.end() : setImmediate(next)));
    };
    next();
  });
}

for (const kind of databaseKinds) {
  describe(`snapshot API on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    const tokens: Record<string, string> = {};
    const post = (path: string, body: string | Uint8Array, token: string | null, headers: Record<string, string> = {}) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : new Uint8Array(body),
        headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      });

    before(async () => {
      t = await kind.create();
      for (const role of ['dcc', 'panel', 'secas'] as const) tokens[role] = (await createApiToken(t.db.knex, { name: `${role} system`, role }, SYSTEM)).token;
      server = await startTestServer(t.url, { UPLOAD_MAX_BYTES: String(LIMIT) });
      await t.db.knex('settings').insert({ key: 'max-reject-ratio', value: '0.5', updated_at: '2024-01-01 00:00:00.000', updated_by: 'test' });
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    // Line 2 outstanding, line 3 completed, line 4 rejected.
    const FILE = [HEADER, row(1), row(2, { map_id: 'UFLM' }), row(3, { device_id: 'nope' }), ''].join('\n');

    it('imports the body (201), recognises it again (200)', async () => {
      const res = await post('/api/v1/snapshots?asOf=2024-01-31', FILE, tokens.dcc!);
      assert.equal(res.status, 201);
      const body = (await res.json()) as Record<string, unknown>;
      const snapshot = await t.db.knex('snapshots').first();
      assert.deepEqual(body, {
        importId: body.importId,
        snapshotId: Number(snapshot.id),
        asOf: '2024-01-31',
        sha256: snapshot.sha256,
        status: 'imported',
        supersedes: null,
        rows: 3,
        accepted: 2,
        rejected: 1,
        errors: [{ line: 4, reason: 'device_id "nope" is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")' }],
      });
      assert.equal(snapshot.source, 'api');
      assert.equal(snapshot.uploaded_by, 'dcc system');

      const again = await post('/api/v1/snapshots?asOf=2024-01-31', FILE, tokens.dcc!);
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { status: string }).status, 'duplicate');
    });

    it('takes a gzip body and the as-of date from a fileName, for secas too', async () => {
      const res = await post('/api/v1/snapshots?fileName=smi-20240229.csv.gz', gzipSync(FILE.replace(row(1), row(9))), tokens.secas!);
      assert.equal(res.status, 201);
      const body = (await res.json()) as { asOf: string; snapshotId: number };
      assert.equal(body.asOf, '2024-02-29');
      assert.equal(Boolean((await t.db.knex('snapshots').where({ id: body.snapshotId }).first()).gzip), true);
    });

    it('refuses a broken file with 422 and its reasons, naming the line', async () => {
      const before = await storedRows(t.db.knex);
      const res = await post('/api/v1/snapshots?asOf=2024-03-31', `${HEADER}\n${row(20)}\n${row(21, { device_type: 'E"SME' })}\n`, tokens.dcc!);
      assert.equal(res.status, 422);
      const body = (await res.json()) as { error: { code: string; message: string; fields: unknown[] } };
      assert.equal(body.error.code, 'invalid');
      assert.match(
        body.error.message,
        /^The snapshot was refused and nothing of it was stored \(import \d+\): line 3: Broken quoting: a quote inside the unquoted field 2 \("device_type"\)/,
      );
      assert.deepEqual(body.error.fields, [{ field: 'file', line: 3, message: body.error.message.replace(/^.*?\(import \d+\): line 3: /, '') }]);
      assert.deepEqual(await storedRows(t.db.knex), before);
    });

    it('refuses a body without an as-of date with 422', async () => {
      const res = await post('/api/v1/snapshots', FILE.replace(row(1), row(30)), tokens.dcc!);
      assert.equal(res.status, 422);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, /No as-of date: give one with the file .*the API's asOf parameter/);
    });

    it('refuses a body declared larger than UPLOAD_MAX_BYTES with 413 before reading it', async () => {
      const res = await send(`${server.url}/api/v1/snapshots?asOf=2024-04-30`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.dcc!}`, 'content-type': 'text/csv', 'content-length': String(LIMIT + 1) },
        chunks: [Buffer.alloc(LIMIT + 1, 0x41)],
      });
      assert.equal(res.status, 413);
      assert.match(JSON.parse(res.body).error.message, /^The file is larger than the 97\.7 KiB this server accepts \(UPLOAD_MAX_BYTES\)/);
      assert.equal(await t.db.knex('snapshot_imports').where({ as_of: '2024-04-30' }).first(), undefined, 'not even an attempt: nothing was read');
    });

    it('refuses a streamed body with 413 once it passes the limit, storing nothing', async () => {
      const before = await storedRows(t.db.knex);
      const text = Buffer.from([HEADER, ...Array.from({ length: 3000 }, (_, i) => row(1000 + i))].join('\n'));
      assert.ok(text.length > LIMIT);
      const chunks: Buffer[] = [];
      for (let at = 0; at < text.length; at += 16_384) chunks.push(text.subarray(at, at + 16_384));
      const res = await send(`${server.url}/api/v1/snapshots?asOf=2024-05-31`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.dcc!}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
        chunks,
      });
      assert.equal(res.status, 413);
      assert.deepEqual(await storedRows(t.db.knex), before);
      const attempt = await t.db.knex('snapshot_imports').where({ as_of: '2024-05-31' }).first();
      assert.equal(attempt.status, 'failed');
      assert.match(attempt.errors, /larger than the 97\.7 KiB/);
      assert.deepEqual(
        archiveFiles(server.dataDir).filter((f) => f.file.startsWith('tmp/')),
        [],
      );
    });

    it('answers 401 without a token, 403 for a panel token, 415 for a form body', async () => {
      const none = await post('/api/v1/snapshots?asOf=2024-06-30', FILE, null);
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer');
      const panel = await post('/api/v1/snapshots?asOf=2024-06-30', FILE, tokens.panel!);
      assert.equal(panel.status, 403);
      const form = await post('/api/v1/snapshots?asOf=2024-06-30', 'a=b', tokens.dcc!, { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(form.status, 415);
      assert.match(((await form.json()) as { error: { message: string } }).error.message, /Send the snapshot file itself as the request body/);
      // curl --data-binary sends a form type by default: a big file must get the same answer, not
      // a form parser's "too large" (API bodies are never parsed as forms).
      const bigForm = await post('/api/v1/snapshots?asOf=2024-06-30', 'x'.repeat(300_000), tokens.dcc!, {
        'content-type': 'application/x-www-form-urlencoded',
      });
      assert.equal(bigForm.status, 415);
      assert.equal(await t.db.knex('snapshot_imports').where({ as_of: '2024-06-30' }).first(), undefined);
      for (const path of ['/api/v1/snapshots', '/api/v1/snapshots/1']) {
        assert.equal((await fetch(`${server.url}${path}`)).status, 401);
        assert.equal((await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokens.panel!}` } })).status, 403);
      }
    });

    it('lists snapshots and gives one with its counts and rejected rows', async () => {
      const list = await fetch(`${server.url}/api/v1/snapshots`, { headers: { authorization: `Bearer ${tokens.dcc!}` } });
      assert.equal(list.status, 200);
      const { snapshots } = (await list.json()) as { snapshots: Array<{ id: number; asOf: string; rows: number }> };
      assert.deepEqual(
        snapshots.map((s) => s.asOf),
        ['2024-02-29', '2024-01-31'],
      );
      const first = snapshots[1]!;
      const one = await fetch(`${server.url}/api/v1/snapshots/${first.id}`, { headers: { authorization: `Bearer ${tokens.dcc!}` } });
      assert.equal(one.status, 200);
      const body = (await one.json()) as Record<string, unknown> & { users: unknown[]; rejections: unknown[]; total: unknown };
      assert.equal(body.fileName, 'api-upload');
      assert.equal(body.rows, 3);
      assert.equal(body.supersededBy, null);
      assert.deepEqual(body.users, [
        {
          userId: USER_A,
          name: USER_A,
          registered: false,
          esme: { inScope: 2, completed: 1, invalid: 0, outstanding: 1, newMissing: 0 },
          gsme: { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 },
          total: { inScope: 2, completed: 1, invalid: 0, outstanding: 1, newMissing: 0 },
        },
      ]);
      assert.deepEqual(body.rejections, [{ line: 4, reason: 'device_id "nope" is not an EUI-64 (16 hex digits, bare or as 8 pairs joined by "-" or ":")' }]);
      const missing = await fetch(`${server.url}/api/v1/snapshots/999`, { headers: { authorization: `Bearer ${tokens.dcc!}` } });
      assert.equal(missing.status, 404);
    });
  });
}
