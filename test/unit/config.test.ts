import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseConfig, resolveSessionSecret } from '../../server/config.ts';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = parseConfig({});
    assert.equal(config.databaseUrl, 'sqlite:./data/backfill.sqlite');
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.sessionSecret, undefined);
    assert.equal(config.chromePath, undefined);
    assert.equal(config.loginRateLimit, 10);
    assert.equal(config.loginAccountLimit, 10);
    assert.equal(config.trustProxy, false);
    assert.equal(config.metricsToken, undefined, 'metrics off');
  });

  it('takes METRICS_TOKEN, and never repeats a secret in its error', () => {
    assert.equal(parseConfig({ METRICS_TOKEN: 'a'.repeat(24) }).metricsToken, 'a'.repeat(24));
    assert.throws(
      () => parseConfig({ METRICS_TOKEN: 'short-secret' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /^Configuration error: METRICS_TOKEN must be at least 24 characters long \(e\.g\. openssl rand -hex 32\) \(got 12 characters\)\.$/.test(err.message),
    );
    assert.throws(
      () => parseConfig({ METRICS_TOKEN: 'twenty four characters with spaces' }),
      (err: unknown) => err instanceof ConfigError && /METRICS_TOKEN must be printable ASCII without spaces/.test(err.message) && !/twenty/.test(err.message),
    );
    assert.throws(
      () => parseConfig({ SESSION_SECRET: 'short-session-secret' }),
      (err: unknown) => err instanceof ConfigError && !err.message.includes('short-session-secret'),
    );
  });

  it('takes TRUST_PROXY in each form Express trusts: every hop, none, a hop count, or the proxies’ addresses', () => {
    const forms: Array<[string, unknown]> = [
      ['true', true],
      ['false', false],
      ['0', false],
      ['1', 1],
      ['2', 2],
      ['10.0.0.1, 10.0.0.0/8,loopback', ['10.0.0.1', '10.0.0.0/8', 'loopback']],
      ['::1,fd00::/8', ['::1', 'fd00::/8']],
    ];
    for (const [value, expected] of forms) assert.deepEqual(parseConfig({ TRUST_PROXY: value }).trustProxy, expected, value);
  });

  it('takes LOGIN_ACCOUNT_LIMIT beside LOGIN_RATE_LIMIT', () => {
    const config = parseConfig({ LOGIN_ACCOUNT_LIMIT: '5', LOGIN_RATE_LIMIT: '20' });
    assert.deepEqual([config.loginAccountLimit, config.loginRateLimit], [5, 20]);
  });

  it('accepts a MySQL URL and a port', () => {
    const config = parseConfig({ DATABASE_URL: 'mysql://bfm:s3cret@db.internal:3307/backfill', PORT: '8080' });
    assert.equal(config.databaseUrl, 'mysql://bfm:s3cret@db.internal:3307/backfill');
    assert.equal(config.port, 8080);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a port that is not a number', { PORT: 'eighty' }, /^Configuration error: PORT must be a whole number \(got "eighty"\)\.$/],
    ['a port out of range', { PORT: '70000' }, /PORT must be between 0 and 65535/],
    [
      'an unknown database scheme',
      { DATABASE_URL: 'postgres://localhost/x' },
      /DATABASE_URL must be sqlite:PATH or mysql:\/\/user:password@host:port\/database/,
    ],
    ['a MySQL URL without a database', { DATABASE_URL: 'mysql://root@localhost:3306' }, /DATABASE_URL must be/],
    ['a short session secret', { SESSION_SECRET: 'short' }, /SESSION_SECRET must be at least 32 characters long/],
    ['a Chrome path that is not there', { CHROME_PATH: '/nonexistent/chromium' }, /CHROME_PATH must name an executable Chromium or Chrome binary/],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    ['a boolean that is not one', { SECURE_COOKIES: 'maybe' }, /SECURE_COOKIES must be true or false/],
    [
      'a proxy that is not an address',
      { TRUST_PROXY: '10.0.0.1,proxy.internal' },
      /^Configuration error: TRUST_PROXY must be false, true, a number of proxies in front \(1, 2…\) or a comma-separated list of proxy addresses or ranges \(10\.0\.0\.1,10\.0\.0\.0\/8,loopback\) \(got "10\.0\.0\.1,proxy\.internal"\)\.$/,
    ],
    ['a proxy range that is not one', { TRUST_PROXY: '10.0.0.0/33' }, /TRUST_PROXY must be false, true, a number of proxies/],
    ['an empty entry in the proxy list', { TRUST_PROXY: '10.0.0.1,,10.0.0.2' }, /TRUST_PROXY must be/],
    ['no account limit', { LOGIN_ACCOUNT_LIMIT: '0' }, /LOGIN_ACCOUNT_LIMIT must be a whole number of at least 1/],
  ];
  for (const [what, env, message] of bad) {
    it(`stops with a sentence naming the variable for ${what}`, () => {
      assert.throws(
        () => parseConfig(env),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('creates a session secret once under DATA_DIR and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-config-'));
    try {
      const config = parseConfig({ DATA_DIR: dir });
      const first = resolveSessionSecret(config);
      assert.ok(first.length >= 32);
      assert.equal(resolveSessionSecret(config), first);
      assert.equal(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim(), first);
      assert.equal(statSync(path.join(dir, 'session-secret')).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with a sentence naming DATA_DIR when it cannot be made', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-config-'));
    try {
      const blocker = path.join(dir, 'a-file');
      writeFileSync(blocker, 'not a folder');
      assert.throws(
        () => loadConfig({ DATA_DIR: path.join(blocker, 'data'), SESSION_SECRET: 'x'.repeat(40) }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.message ===
            `Configuration error: DATA_DIR ${path.join(blocker, 'data')} cannot be created or written (ENOTDIR); choose a folder this user may write to.`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses SESSION_SECRET when given, writing nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bfm-config-'));
    try {
      const secret = 'x'.repeat(40);
      assert.equal(resolveSessionSecret(parseConfig({ DATA_DIR: dir, SESSION_SECRET: secret })), secret);
      assert.throws(() => statSync(path.join(dir, 'session-secret')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
