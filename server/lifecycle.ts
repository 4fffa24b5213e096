// How a backfill-monitor process starts and stops: configuration errors end it with a sentence
// (exit 2), SIGTERM/SIGINT close it cleanly (exit 0), a failed close exits 1, and a slip in the
// code (a promise nobody handled) is logged loudly instead of ending the process.
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import type { Logger } from './logger.ts';

export function loadConfigOrExit(): Config & { sessionSecret: string } {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  let signalled = false;
  const stop = (signal: string): void => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** Runs main() when this module is the process entry point, reporting a failed start in one line. */
export function runIfMain(moduleUrl: string, main: () => Promise<void>, what: string): void {
  const entry = process.argv[1];
  if (!entry || moduleUrl !== pathToFileURL(entry).href) return;
  main().catch((err: unknown) => {
    process.stderr.write(`${what} could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

/**
 * A rejected promise nobody handled, or an exception thrown from a callback, is a bug; by default
 * Node ends the process for it, taking every user's requests and any import in flight with it.
 * The server and the worker log it loudly (level fatal, with the stack) and carry on: every
 * request, job and import records its own outcome, so what the slip touched fails on its own.
 */
export function logSlipsInsteadOfExiting(logger: Logger): void {
  process.on('unhandledRejection', (reason: unknown) => {
    logger.fatal({ err: reason }, 'BUG: a promise was rejected and nothing handled it; the process carries on — please report this log line');
  });
  process.on('uncaughtException', (err: Error, origin: string) => {
    logger.fatal({ err, origin }, 'BUG: an exception reached the top of the process; it carries on — please report this log line');
  });
}
