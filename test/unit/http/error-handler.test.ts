import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { PUBLIC, Routes } from '../../../server/auth/access.ts';
import { errorHandler, notFound } from '../../../server/http/error-handler.ts';
import { ValidationError } from '../../../server/http/errors.ts';
import { requestId } from '../../../server/http/request-id.ts';
import { createPageRenderer } from '../../../server/http/render.ts';
import { createViewRenderer } from '../../../server/http/views.ts';
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
    routes.get('/invalid', PUBLIC, () => {
      throw new ValidationError('The file has problems.', [{ field: 'prenotified_date', message: '2018-02-30 is not a date', line: 14 }]);
    });
    app.use(notFound);
    app.use(errorHandler(createLogger('silent'), createPageRenderer(createViewRenderer(), () => 'token')));
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
    assert.equal(body.error.code, 'internal');
    assert.equal(body.error.requestId, 'req-67890');
    assert.doesNotMatch(body.error.message, /exploded/);
  });

  it('lists field errors with their line on the page', async () => {
    const res = await fetch(`${base}/invalid`);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Line 14: <strong>prenotified_date<\/strong>: 2018-02-30 is not a date/);
  });
});
