import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { toProgressJson } from '../../../server/engine/progress-json.ts';
import { ALPHA, buildInputs, esmeOnly, snapshot } from './build-inputs.ts';
import { inputsAsOf } from './scenario-inputs.ts';

const USER_KEYS = [
  'userId',
  'name',
  'esme',
  'gsme',
  'total',
  'completionPct',
  'baseline',
  'declared',
  'allowance',
  'actualRate',
  'requiredRate',
  'wdRemaining',
  'projectedCompletion',
  'rag',
  'reason',
  'flags',
];
const COUNT_KEYS = ['inScope', 'completed', 'invalid', 'outstanding', 'newMissing'];

describe('toProgressJson (SPEC §6.3 progress --json)', () => {
  it('has exactly the keys of the spec, absent values as null', () => {
    const json = toProgressJson(computeProgress(inputsAsOf('2018-07-20')));
    assert.deepEqual(Object.keys(json), ['asOf', 'snapshotId', 'deadline', 'users']);
    assert.deepEqual([json.asOf, json.snapshotId, json.deadline], ['2018-07-16', 2, '2019-03-29']);
    for (const user of json.users) {
      assert.deepEqual(Object.keys(user), USER_KEYS);
      for (const fuel of ['esme', 'gsme', 'total'] as const) assert.deepEqual(Object.keys(user[fuel]), COUNT_KEYS);
    }
    // Beta as of 07-16: no allowance yet and no projection — present, as null.
    const beta = JSON.parse(JSON.stringify(json)) as { users: Array<Record<string, unknown>> };
    assert.equal(beta.users[1]?.allowance, null);
    assert.equal(beta.users[1]?.projectedCompletion, null);
  });

  it('survives JSON unchanged (only strings, numbers, null, arrays and plain objects)', () => {
    const json = toProgressJson(computeProgress(inputsAsOf('2019-01-02')));
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
    assert.deepEqual(json.users[0], {
      userId: '90-B3-D5-1F-30-01-00-0A',
      name: 'Alpha Energy',
      esme: { inScope: 6010, completed: 5000, invalid: 0, outstanding: 1010, newMissing: 0 },
      gsme: { inScope: 3990, completed: 3400, invalid: 0, outstanding: 590, newMissing: 0 },
      total: { inScope: 10000, completed: 8400, invalid: 0, outstanding: 1600, newMissing: 0 },
      completionPct: 84,
      baseline: 10000,
      declared: 10000,
      allowance: 100,
      actualRate: 5300 / 87,
      requiredRate: 1600 / 62,
      wdRemaining: 62,
      projectedCompletion: '2019-02-08',
      rag: 'GREEN',
      reason: 'on track',
      flags: [],
    });
  });

  it('gives only the spec count keys even when the input counts carry more', () => {
    const counts = { ...esmeOnly(10, 5), extra: 'not for output' };
    const json = toProgressJson(computeProgress(buildInputs({ snapshots: [snapshot(1, '2018-07-02', { [ALPHA]: counts })] })));
    assert.deepEqual(Object.keys(json.users[0] ?? {}).length, USER_KEYS.length);
    assert.deepEqual(Object.keys(json.users[0]?.esme ?? {}), COUNT_KEYS);
  });

  it('gives null as-of and snapshot with no users when no snapshot is on or before the date', () => {
    const json = toProgressJson(computeProgress(buildInputs({ askedAsOf: '2018-01-01', deadline: '2019-03-29' })));
    assert.deepEqual(json, { asOf: null, snapshotId: null, deadline: '2019-03-29', users: [] });
  });
});
