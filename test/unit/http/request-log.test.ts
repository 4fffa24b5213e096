// The request log: one line per request once its response is done, at a level that follows the
// status, with CSRF tokens (multipart forms send theirs in the URL) and credentials kept out.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { requestId } from '../../../server/http/request-id.ts';
import { requestLog, withoutCsrfToken } from '../../../server/http/request-log.ts';

interface Line {
  level: number;
  msg: string;
  req: { id: string; method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

const INFO = 30;
const WARN = 40;
const ERROR = 50;

describe('request log', () => {
  const lines: Line[] = [];
  let server: Server;
  let base: string;

  before(async () => {
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        lines.push(JSON.parse(chunk.toString()) as Line);
        done();
      },
    });
    const app = express();
    app.use(requestId);
    app.use(requestLog(pino({ level: 'info' }, sink)));
    app.get('/healthz', (_req, res) => void res.send('ok'));
    app.get('/page', (_req, res) => void res.send('hello'));
    app.post('/upload', (_req, res) => void res.status(201).send('stored'));
    app.get('/boom', (_req, res) => void res.status(500).send('broken'));
    app.get('/hang', (_req, res) => void res.write('partial'));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

  it('writes one info line per completed request with its id, method, URL, status and time', async () => {
    lines.length = 0;
    const res = await fetch(`${base}/page?x=1`, { headers: { 'x-request-id': 'abc-123', cookie: 'bfm.sid=secret', authorization: 'Bearer tok' } });
    assert.equal(await res.text(), 'hello');
    await settle();
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line!.level, INFO);
    assert.equal(line!.msg, 'request completed');
    assert.deepEqual(line!.req, { id: 'abc-123', method: 'GET', url: '/page?x=1' });
    assert.deepEqual(line!.res, { statusCode: 200 });
    assert.ok(line!.responseTime >= 0 && line!.responseTime < 5000);
    assert.doesNotMatch(JSON.stringify(line), /secret|tok/, 'no cookie or token in the log');
  });

  it('hides the value of a _csrf query parameter and keeps the rest of the URL', () => {
    assert.equal(withoutCsrfToken('/snapshots?_csrf=abc123.def-456'), '/snapshots?_csrf=[redacted]');
    assert.equal(withoutCsrfToken('/users/import?kind=x&_csrf=abc&next=%2F'), '/users/import?kind=x&_csrf=[redacted]&next=%2F');
    assert.equal(withoutCsrfToken('/snapshots?asOf=2024-01-31'), '/snapshots?asOf=2024-01-31');
    assert.equal(withoutCsrfToken('/x?not_csrf=1'), '/x?not_csrf=1');
  });

  it('hides a CSRF token carried in the URL of a request', async () => {
    lines.length = 0;
    await (await fetch(`${base}/upload?_csrf=abc.def&asOf=2024-01-31`, { method: 'POST' })).text();
    await settle();
    assert.equal(lines[0]!.req.url, '/upload?_csrf=[redacted]&asOf=2024-01-31');
    assert.equal(lines[0]!.res.statusCode, 201);
  });

  it('logs 4xx as warnings, 5xx as errors, and nothing for /healthz', async () => {
    lines.length = 0;
    await (await fetch(`${base}/healthz`)).text();
    await (await fetch(`${base}/nowhere`)).text();
    await (await fetch(`${base}/boom`)).text();
    await settle();
    assert.deepEqual(
      lines.map((l) => [l.req.url, l.res.statusCode, l.level]),
      [
        ['/nowhere', 404, WARN],
        ['/boom', 500, ERROR],
      ],
    );
  });

  it('logs a response cut off before it finished as aborted, once', async () => {
    lines.length = 0;
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/hang`, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.end();
    });
    await settle();
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'request aborted');
    assert.equal(lines[0]!.level, ERROR);
  });
});
