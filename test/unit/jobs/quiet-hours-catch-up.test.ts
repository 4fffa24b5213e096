// Nothing scheduled starts between 01:00 and 02:59 London time (SPEC §7), not even the catch-up of
// runs missed while the service was down: a start in those hours catches up at 03:00, once.
import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import type { JobContext } from '../../../jobs/context.ts';
import { inQuietHours, startScheduler } from '../../../jobs/scheduler.ts';
import { createLogger } from '../../../server/logger.ts';

const logger = createLogger('silent');

function countingRunner() {
  const catchUps: Date[] = [];
  return {
    catchUps,
    runner: {
      trigger: () => Promise.resolve(null),
      retryDue: () => Promise.resolve([]),
      catchUp: () => {
        catchUps.push(new Date());
        return Promise.resolve([]);
      },
      stop: () => Promise.resolve(),
    },
  };
}

async function advance(minutes: number): Promise<void> {
  for (let m = 0; m < minutes; m += 10) {
    mock.timers.tick(10 * 60_000);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('catching up missed runs', () => {
  afterEach(() => mock.timers.reset());

  it('knows the quiet hours in London time, summer and winter', () => {
    assert.equal(inQuietHours(new Date('2026-01-15T00:59:59Z')), false); // 00:59 GMT
    assert.equal(inQuietHours(new Date('2026-01-15T01:00:00Z')), true); // 01:00 GMT
    assert.equal(inQuietHours(new Date('2026-01-15T02:59:59Z')), true); // 02:59 GMT
    assert.equal(inQuietHours(new Date('2026-01-15T03:00:00Z')), false); // 03:00 GMT
    assert.equal(inQuietHours(new Date('2026-07-15T00:30:00Z')), true); // 01:30 BST
    assert.equal(inQuietHours(new Date('2026-07-15T02:00:00Z')), false); // 03:00 BST
  });

  it('waits for 03:00 when started at 01:30, then catches up once', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.parse('2026-07-15T00:30:00Z') }); // 01:30 BST
    const { runner, catchUps } = countingRunner();
    const scheduler = startScheduler<JobContext>(runner, [], logger, { retrySchedule: '30 12 * * *' });
    await advance(10);
    assert.equal(catchUps.length, 0, 'nothing at 01:30');
    await advance(80); // to 03:00 BST
    assert.deepEqual(
      catchUps.map((d) => d.toISOString()),
      ['2026-07-15T02:00:00.000Z'],
    );
    await advance(26 * 60); // past the next 03:00
    assert.equal(catchUps.length, 1, 'once, not every night');
    await scheduler.stop();
  });

  it('catches up at once when started outside the quiet hours', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: Date.parse('2026-01-15T03:00:00Z') }); // 03:00 GMT
    const { runner, catchUps } = countingRunner();
    const scheduler = startScheduler<JobContext>(runner, [], logger, { retrySchedule: '30 12 * * *' });
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      catchUps.map((d) => d.toISOString()),
      ['2026-01-15T03:00:00.000Z'],
    );
    await advance(26 * 60);
    assert.equal(catchUps.length, 1);
    await scheduler.stop();
  });
});
