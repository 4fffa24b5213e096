import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { markAsDatabaseError } from '../../../db/connection.ts';
import { responseProblems } from '../../../server/http/openapi.ts';
import { PUBLIC, Routes } from '../../../server/auth/access.ts';
import { errorHandler, notFound } from '../../../server/http/error-handler.ts';
import { ValidationError } from '../../../server/errors.ts';
import { requestId } from '../../../server/http/request-id.ts';
import { createPageRenderer } from '../../../server/http/render.ts';
import { createViewRenderer, VIEWS_DIR } from '../../../server/templates/views.ts';
import { createLogger } from '../../../server/logger.ts';

describe('error responses', () => {
  let base = '';
  let close: () => void = () => undefined;

  before(async () => {
    const app = express();
    app.use(requestId);
    const routes = new Routes(app);
    routes.get('/boom', PUBLIC, () => {
      throw new Error('database exploded: password=hunter2');
    });
    routes.get('/api/v1/boom', PUBLIC, () => {
      throw new Error('database exploded');
    });
    routes.get('/database-down', PUBLIC, async () => {
      await Promise.resolve();
      throw markAsDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }));
    });
    routes.get('/api/v1/database-down', PUBLIC, () => {
      throw Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' });
    });
    routes.get('/disk-full', PUBLIC, () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write '/srv/backfill/data/archive/tmp/import-4.part'"), {
        code: 'ENOSPC',
        path: '/srv/backfill/data/archive/tmp/import-4.part',
      });
    });
    routes.get('/invalid', PUBLIC, () => {
      throw new ValidationError('The file has problems.', [{ field: 'prenotified_date', message: '2018-02-30 is not a date', line: 14 }]);
    });
    app.use('/assets', express.static(path.join(VIEWS_DIR, 'public'), { fallthrough: false }));
    app.use(notFound);
    app.use(
      errorHandler(
        createLogger('silent'),
        createPageRenderer(createViewRenderer(), () => 'token'),
        { dataDir: '/srv/backfill/data' },
      ),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  it('shows a friendly 500 page that hides the cause and gives a reference', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'req-12345' } });
    assert.equal(res.status, 500);
    const html = await res.text();
    assert.match(html, /<h1>Sorry, something went wrong<\/h1>/);
    assert.match(html, /quote reference req-12345/);
    assert.doesNotMatch(html, /exploded|hunter2/);
  });

  it('answers API errors as JSON with the request id', async () => {
    const res = await fetch(`${base}/api/v1/boom`, { headers: { 'x-request-id': 'req-67890' } });
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { code: string; requestId: string; message: string } };
    assert.deepEqual(responseProblems('GET', undefined, 500, { json: body }), [], 'the Error body the OpenAPI description gives');
    assert.equal(body.error.code, 'internal');
    assert.equal(body.error.requestId, 'req-67890');
    assert.doesNotMatch(body.error.message, /exploded/);
  });

  it('lists field errors with their line on the page', async () => {
    const res = await fetch(`${base}/invalid`);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Line 14: <strong>prenotified_date<\/strong>: 2018-02-30 is not a date/);
  });

  it('answers 503 with Retry-After and a sentence while the database cannot be reached, on pages and the API', async () => {
    const page = await fetch(`${base}/database-down`);
    assert.equal(page.status, 503);
    assert.equal(page.headers.get('retry-after'), '60');
    const html = await page.text();
    assert.match(html, /The database cannot be reached; try again in a minute\. Nothing was changed\./);
    assert.doesNotMatch(html, /ECONNREFUSED|3306/);

    const api = await fetch(`${base}/api/v1/database-down`);
    assert.equal(api.status, 503);
    assert.equal(api.headers.get('retry-after'), '60');
    const body = (await api.json()) as { error: { code: string; message: string } };
    assert.deepEqual(responseProblems('GET', undefined, 503, { json: body }), [], 'the Error body the OpenAPI description gives');
    assert.equal(body.error.code, 'database_unavailable');
    assert.equal(body.error.message, 'The database cannot be reached; try again in a minute. Nothing was changed.');
  });

  it('answers 507 naming the disk when it is full', async () => {
    const res = await fetch(`${base}/disk-full`);
    assert.equal(res.status, 507);
    assert.match(await res.text(), /The disk holding the data folder, DATA_DIR \(\/srv\/backfill\/data\) is full, so nothing was stored\./);
  });

  it('answers 404, not 500, for a static path that climbs out of its folder', async () => {
    for (const p of ['/assets/..%2fpackage.json', '/assets/%2e%2e%2fpackage.json', '/assets/../package.json']) {
      assert.equal((await fetch(`${base}${p}`)).status, 404, p);
    }
  });
});
