// The loop that empties the outbox: a pass every few seconds (never two at once in this process;
// other instances run their own, and the claims keep each message to one sender).
import { sendDue, type SenderDeps } from '../server/notifications/sender.ts';

export const SEND_INTERVAL_MS = 5_000;

export interface NotificationSender {
  /** Runs a pass now (tests; and after stopping, nothing). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startNotificationSender(deps: SenderDeps, options: { intervalMs?: number } = {}): NotificationSender {
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= sendDue(deps)
      .then(
        () => undefined,
        (err: unknown) => deps.logger.warn({ err }, 'the notification outbox could not be read; trying again shortly'),
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void pass(), options.intervalMs ?? SEND_INTERVAL_MS);
  timer.unref();
  return {
    runOnce: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
