import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { PUBLIC, Routes, allow, assertEveryRouteHasAccessRule, isAllowed } from '../../../server/auth/access.ts';
import { safeNext } from '../../../server/auth/routes.ts';

describe('access rules', () => {
  it('accepts an app whose routes all went through Routes', () => {
    const app = express();
    const routes = new Routes(app);
    routes.get('/a', PUBLIC, (_req, res) => res.end());
    routes.post('/b', allow('secas'), (_req, res) => res.end());
    assert.doesNotThrow(() => assertEveryRouteHasAccessRule(app));
    assert.deepEqual(
      routes.list.map((r) => `${r.method} ${r.path}`),
      ['get /a', 'post /b'],
    );
  });

  it('refuses an app with a route added without an access rule', () => {
    const app = express();
    new Routes(app).get('/ok', PUBLIC, (_req, res) => res.end());
    app.get('/forgotten', (_req, res) => res.end());
    assert.throws(() => assertEveryRouteHasAccessRule(app), /Routes without an access rule.*GET \/forgotten/);
  });

  it('finds a forgotten route inside a mounted router', () => {
    const app = express();
    const router = express.Router();
    router.post('/inner', (_req, res) => res.end());
    app.use('/mounted', router);
    assert.throws(() => assertEveryRouteHasAccessRule(app), /POST \/inner/);
  });

  it('says which roles a rule admits', () => {
    assert.equal(isAllowed(allow('secas'), 'secas'), true);
    assert.equal(isAllowed(allow('secas'), 'panel'), false);
    assert.equal(isAllowed(allow('secas', 'dcc'), undefined), false);
    assert.equal(isAllowed(PUBLIC, undefined), true);
  });
});

describe('where to go after login', () => {
  it('allows only paths on this site', () => {
    assert.equal(safeNext('/reports?month=2026-10'), '/reports?month=2026-10');
    assert.equal(safeNext('https://evil.example/'), '/');
    assert.equal(safeNext('//evil.example/'), '/');
    assert.equal(safeNext('/\\evil.example'), '/');
    assert.equal(safeNext('/login'), '/');
    assert.equal(safeNext(undefined), '/');
  });
});
