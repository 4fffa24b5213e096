// The API's description (SPEC §6.2): GET /api/v1/openapi.json is a valid OpenAPI 3.1 document,
// public, describing every /api/v1 route the app registers and nothing it does not; /api/docs shows
// it as a page. Every API answer of every test is checked against it as it is sent
// (test/helpers/test-server.ts); the check itself is tested here, so a mismatch cannot pass unseen.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3_1 } from 'openapi-types';
import { buildApp } from '../../server/app.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { parseConfig } from '../../server/config.ts';
import { responseProblems } from '../../server/http/openapi.ts';
import { createLogger } from '../../server/logger.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

for (const kind of databasesFor('not-sql')) {
  describe(`the OpenAPI description on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let doc: OpenAPIV3_1.Document;

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url);
      const res = await fetch(`${server.url}/api/v1/openapi.json`);
      assert.equal(res.status, 200, 'public: no token needed');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      doc = (await res.json()) as OpenAPIV3_1.Document;
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('is a valid OpenAPI 3.1 document', async () => {
      assert.equal(doc.openapi, '3.1.0');
      await SwaggerParser.validate(structuredClone(doc) as never);
      assert.deepEqual(doc.components?.securitySchemes?.bearer, {
        type: 'http',
        scheme: 'bearer',
        description: (doc.components?.securitySchemes?.bearer as { description: string }).description,
      });
    });

    it('describes every /api/v1 route the app registers, and no other', async () => {
      const built = buildApp({ config: { ...parseConfig({ DATABASE_URL: t.url }), sessionSecret: 'x'.repeat(40) }, db: t.db, logger: createLogger('silent') });
      await built.close();
      const registered = built.routes
        .filter((r) => r.path.startsWith('/api/v1/'))
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z_]\w*)/g, '{$1}')}`)
        .sort();
      const described = Object.entries(doc.paths ?? {})
        .flatMap(([path, item]) => Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`))
        .sort();
      assert.deepEqual(described, registered);
      for (const [path, item] of Object.entries(doc.paths ?? {})) {
        for (const [method, op] of Object.entries(item ?? {}) as Array<[string, OpenAPIV3_1.OperationObject]>) {
          assert.ok(op.responses?.default, `${method} ${path} describes its errors`);
          const open = path === '/api/v1/openapi.json';
          assert.deepEqual(op.security, open ? [] : [{ bearer: [] }], `${method} ${path}: ${open ? 'public' : 'bearer token'}`);
          if (!open) assert.ok(op.responses['401'], `${method} ${path} describes 401`);
        }
      }
    });

    it('shows the same operations on /api/docs, without a script, to anyone', async () => {
      const res = await fetch(`${server.url}/api/docs`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.doesNotMatch(html, /<script/);
      assert.match(html, /<h1>API<\/h1>/);
      for (const [path, item] of Object.entries(doc.paths ?? {})) {
        for (const method of Object.keys(item ?? {})) {
          assert.ok(html.includes(`${method.toUpperCase()}</span> <code>${path}</code>`), `${method} ${path} is on the page`);
        }
      }
      for (const name of Object.keys(doc.components?.schemas ?? {})) assert.ok(html.includes(`id="schema-${name}"`), `schema ${name} is on the page`);
    });

    it('finds an answer that does not match its description', async () => {
      const me = { kind: 'token', name: 'x', role: 'dcc' };
      assert.deepEqual(responseProblems('GET', '/api/v1/me', 200, { json: me }), []);
      assert.match(responseProblems('GET', '/api/v1/me', 200, { json: { ...me, extra: 1 } }).join(), /Unrecognized key/);
      assert.match(responseProblems('GET', '/api/v1/me', 200, { json: { ...me, role: 'king' } }).join(), /role/);
      assert.match(responseProblems('GET', '/api/v1/me', 201, { json: me }).join(), /status is not in the OpenAPI description/);
      assert.match(responseProblems('GET', '/api/v1/nowhere', 200, { json: me }).join(), /route is not in the OpenAPI description/);
      assert.match(responseProblems('GET', '/api/v1/me', 500, { json: { error: 'boom' } }).join(), /error/);
      assert.deepEqual(responseProblems('GET', '/api/v1/reports/:id.pdf', 200, { contentType: 'application/pdf' }), []);
      assert.match(responseProblems('GET', '/api/v1/reports/:id.pdf', 200, { contentType: 'text/html' }).join(), /described as application\/pdf/);
      // Through the server: an answer is checked as it is sent (an unknown route's 404 as an error body).
      const token = (await createApiToken(t.db.knex, { name: 'docs test', role: 'panel' }, { kind: 'system', name: 'test' })).token;
      for (const path of ['/api/v1/me', '/api/v1/progress', '/api/v1/nowhere', '/API/V1/ME']) {
        await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      }
      assert.deepEqual(server.apiMismatches, []);
    });
  });
}
