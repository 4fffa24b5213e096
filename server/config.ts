// Environment → typed, validated configuration. A bad value stops start-up with a sentence that
// names the variable, so an operator never has to guess which setting is wrong.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  databaseUrl: string;
  dataDir: string;
  port: number;
  host: string;
  /** Undefined until resolveSessionSecret() has read or created it. */
  sessionSecret: string | undefined;
  chromePath: string | undefined;
  logLevel: LogLevel;
  secureCookies: boolean;
  /** Express's `trust proxy`: every hop (true), none (false), a hop count, or the proxies' addresses. */
  trustProxy: TrustProxy;
  /** Failed logins allowed per client address per 15 minutes (server/auth/login-throttle.ts). */
  loginRateLimit: number;
  /** Failed logins allowed per account (e-mail address, known or not) per 15 minutes. */
  loginAccountLimit: number;
  /** Largest snapshot file accepted over HTTP (web upload and API), in bytes as sent. */
  uploadMaxBytes: number;
  /** On SIGTERM/SIGINT, how long requests in flight (uploads among them) may take to finish. */
  shutdownGraceMs: number;
  /** E-mail: the SMTP server (null: no e-mail is sent), the sender, and the largest PDF attached. */
  mail: { smtpUrl: string | null; from: string; attachmentMaxBytes: number };
  /** Where people reach this server, for links in e-mails (null: messages name pages without links). */
  publicUrl: string | null;
  /** The bearer token GET /metrics asks for; undefined turns metrics off. */
  metricsToken: string | undefined;
}

export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const atLeastOne = z
  .string()
  .trim()
  .regex(/^[1-9]\d*$/, 'must be a whole number of at least 1')
  .transform(Number);

const TRUST_PROXY_FORMS =
  'must be false, true, a number of proxies in front (1, 2…) or a comma-separated list of proxy addresses or ranges (10.0.0.1,10.0.0.0/8,loopback)';

/**
 * TRUST_PROXY in the forms Express's `trust proxy` takes. `1` is one hop, not `true`: trusting every
 * hop believes whatever X-Forwarded-For a client sends unless the proxy overwrites it. A list is
 * checked here by proxy-addr, the parser Express itself uses, so a typo stops start-up with a sentence.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const proxies = v.split(',').map((p) => p.trim());
  try {
    if (proxies.some((p) => p === '')) throw new TypeError('empty entry');
    proxyaddr.compile(proxies);
    return proxies;
  } catch {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: TRUST_PROXY_FORMS });
    return z.NEVER;
  }
}

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => /^sqlite:.+/.test(v) || /^mysql:\/\/[^/]+\/[^/?]+/.test(v), 'must be sqlite:PATH or mysql://user:password@host:port/database')
    .optional(),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, 'must be between 0 and 65535')
    .default('3000'),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  CHROME_PATH: z.string().trim().min(1).refine(isExecutable, 'must name an executable Chromium or Chrome binary').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SECURE_COOKIES: boolean.default('false'),
  TRUST_PROXY: z.string().transform(parseTrustProxy).default('false'),
  LOGIN_RATE_LIMIT: atLeastOne.default('10'),
  LOGIN_ACCOUNT_LIMIT: atLeastOne.default('10'),
  // Snapshot uploads over HTTP (web and API), in bytes as sent: the whole SMI is several GB as CSV,
  // so the default (20 GiB) only stops a mistake, not a real file. Files imported by the CLI or the
  // drop folder have no limit.
  UPLOAD_MAX_BYTES: z
    .string()
    .trim()
    .regex(/^[1-9]\d*$/, 'must be a whole number of bytes, at least 1')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n), 'must be at most 9007199254740991')
    .default(String(20 * 1024 ** 3)),
  SHUTDOWN_GRACE_SECONDS: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number of seconds')
    .transform(Number)
    .refine((n) => n <= 3600, 'must be at most 3600')
    .default('10'),
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\/[^/\s]+/.test(v) && URL.canParse(v), 'must be smtp://user:password@host:port or smtps://… (password URL-encoded)')
    .optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .refine((v) => /^[^<>@\s]+@[^<>@\s]+$/.test(v) || /^[^<>]*<[^<>@\s]+@[^<>@\s]+>$/.test(v), 'must be an address, or "Name <address>"')
    .default('backfill-monitor <backfill-monitor@localhost>'),
  PUBLIC_URL: z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v) && URL.canParse(v), 'must be the http(s) address people open the app at, e.g. https://backfill.example.org')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  MAIL_ATTACHMENT_MAX_MB: z.string().trim().regex(/^\d+$/, 'must be a whole number of megabytes (0: never attach)').transform(Number).default('10'),
  METRICS_TOKEN: z
    .string()
    .trim()
    .min(24, 'must be at least 24 characters long (e.g. openssl rand -hex 32)')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an Authorization header)')
    .optional(),
});

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Settings whose values an error message must not repeat (it goes to logs). */
const SECRETS = new Set(['SESSION_SECRET', 'METRICS_TOKEN']);

/** Reads configuration from the environment; throws ConfigError naming the first bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0]);
    const got = SECRETS.has(name) ? `${String(env[name]).length} characters` : `"${String(env[name])}"`;
    throw new ConfigError(`Configuration error: ${name} ${issue.message} (got ${got}).`);
  }
  const v = result.data;
  const dataDir = path.resolve(v.DATA_DIR);
  return {
    databaseUrl: v.DATABASE_URL ?? 'sqlite:./data/backfill.sqlite',
    dataDir,
    port: v.PORT,
    host: v.HOST,
    sessionSecret: v.SESSION_SECRET,
    chromePath: v.CHROME_PATH,
    logLevel: v.LOG_LEVEL,
    secureCookies: v.SECURE_COOKIES,
    trustProxy: v.TRUST_PROXY,
    loginRateLimit: v.LOGIN_RATE_LIMIT,
    loginAccountLimit: v.LOGIN_ACCOUNT_LIMIT,
    uploadMaxBytes: v.UPLOAD_MAX_BYTES,
    shutdownGraceMs: v.SHUTDOWN_GRACE_SECONDS * 1000,
    mail: { smtpUrl: v.SMTP_URL ?? null, from: v.MAIL_FROM, attachmentMaxBytes: v.MAIL_ATTACHMENT_MAX_MB * 1024 * 1024 },
    publicUrl: v.PUBLIC_URL ?? null,
    metricsToken: v.METRICS_TOKEN,
  };
}

/**
 * Returns the session secret: SESSION_SECRET when given, else the one kept in DATA_DIR, created on
 * first start. Keeping it on disk means sessions survive restarts without anyone choosing a secret;
 * instances sharing one database should share SESSION_SECRET (or DATA_DIR).
 */
export function resolveSessionSecret(config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const file = path.join(config.dataDir, 'session-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
    throw new ConfigError(`Configuration error: the session secret in ${file} is shorter than 32 characters; delete the file to have a new one made.`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another instance created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  return secret;
}

/** Creates DATA_DIR when missing and checks it can be written, so a bad one stops start-up with a sentence, not a stack trace at the first upload. */
export function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(`Configuration error: DATA_DIR ${dataDir} cannot be created or written (${why}); choose a folder this user may write to.`);
  }
}

/** Config with DATA_DIR ready and the session secret resolved: what the app needs to run. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config & { sessionSecret: string } {
  const config = parseConfig(env);
  prepareDataDir(config.dataDir);
  return { ...config, sessionSecret: resolveSessionSecret(config) };
}
