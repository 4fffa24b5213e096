// Starts the real server in-process on a free port over a given database, for integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config, type LogLevel } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer, type StartOptions } from '../../server/main.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every /api/v1 answer so far that did not match the OpenAPI description (server/http/openapi.ts). */
  apiMismatches: string[];
  stop(): Promise<void>;
}

/** Silent, unless TEST_LOG_LEVEL (e.g. error) asks to see the servers' logs while debugging a test. */
function testLogLevel(): LogLevel {
  const asked = process.env.TEST_LOG_LEVEL;
  return asked === 'fatal' || asked === 'error' || asked === 'warn' || asked === 'info' || asked === 'debug' ? asked : 'silent';
}

/** `overrides` set what configuration cannot express, such as a CHROME_PATH that does not exist. */
export async function startTestServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: StartOptions = {},
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-data-'));
  const config = parseConfig({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env });
  // Every API answer of every test is checked against the OpenAPI description as it is sent; one
  // that does not match fails the test file (its process ends with exit code 1, which node --test
  // reports as a failure), whatever the test itself asserted, and says why on stderr.
  const apiMismatches: string[] = [];
  const running = await startServer({ ...config, ...overrides, sessionSecret: 'test-secret-'.padEnd(48, 'x') }, createLogger(testLogLevel()), {
    apiMismatches: (problems) => {
      apiMismatches.push(...problems);
      process.exitCode = 1;
      console.error(`/api/v1 answered otherwise than its OpenAPI description says (server/http/api-schemas.ts):\n  ${problems.join('\n  ')}`);
    },
    ...options,
  });
  return {
    ...running,
    dataDir,
    apiMismatches,
    stop: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
