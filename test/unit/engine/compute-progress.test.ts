// Hand-worked cases of SPEC §4.2–4.4, the working in comments. Implementation date Thu 2018-06-28,
// windows 5/5/10 WD, England and Wales bank holidays (Mon 2018-08-27 is one).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeProgress } from '../../../server/engine/compute-progress.ts';
import { WorkingDays } from '../../../server/engine/working-days.ts';
import { ALPHA, available, BETA, buildInputs, esmeOnly, GAMMA, snapshot, userIn, WORKING_DAYS as wd } from './build-inputs.ts';

describe('choosing the snapshot', () => {
  const snapshots = [snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) }), snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(1000, 100) })];

  it('answers "as of D" from the newest snapshot on or before D, and reports its date', () => {
    const result = available(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-15' })));
    assert.equal(result.askedAsOf, '2018-07-15');
    assert.equal(result.asOf, '2018-07-02');
    assert.equal(result.snapshotId, 1);
  });

  it('says so, instead of failing, when no snapshot is on or before D', () => {
    const result = computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-01', deadline: '2019-03-29' }));
    assert.equal(result.status, 'no-snapshot');
    assert.equal(result.deadline, '2019-03-29');
    assert.match(result.status === 'no-snapshot' ? result.message : '', /no snapshot .* on or before 2018-07-01/);
    assert.equal(computeProgress(buildInputs({ snapshots: [] })).status, 'no-snapshot');
  });

  it('counts only the newest snapshot of an as-of date: the higher id wins, in any order given', () => {
    // Snapshot 3 supersedes 2 for 07-16: completed 300, so the rate is (1000 − 700) / 10 WD = 30.
    const withSuperseded = [
      snapshot(3, '2018-07-16', { [ALPHA]: esmeOnly(1000, 300) }),
      snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) }),
      snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(1000, 100), [GAMMA]: esmeOnly(5, 0) }),
    ];
    const result = available(computeProgress(buildInputs({ snapshots: withSuperseded, askedAsOf: '2018-07-16' })));
    assert.equal(result.snapshotId, 3);
    const alpha = userIn(result, ALPHA);
    assert.equal(alpha.total.completed, 300);
    assert.equal(alpha.actualRate, 30);
    assert.deepEqual(
      alpha.history.map((point) => point.snapshotId),
      [1, 3],
    );
    // Gamma was only in the superseded upload, so it is not a User of this programme.
    assert.equal(
      result.users.some((user) => user.userId === GAMMA),
      false,
    );
  });
});

describe('baseline', () => {
  // 06-15 is before the implementation date; 07-02 is the first snapshot on or after it.
  const snapshots = [
    snapshot(1, '2018-06-15', { [ALPHA]: esmeOnly(1000, 0) }),
    snapshot(2, '2018-07-02', { [ALPHA]: esmeOnly(1000, 100) }),
    snapshot(3, '2018-07-16', { [ALPHA]: esmeOnly(1000, 400) }),
  ];

  it('is the first snapshot on or after the implementation date; earlier ones are history, not rates', () => {
    const result = available(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-16' })));
    assert.deepEqual(result.baselineSnapshot, { id: 2, asOf: '2018-07-02' });
    const alpha = userIn(result, ALPHA);
    assert.equal(alpha.baseline, 900);
    // 07-02 → 07-16 is 10 WD: (900 − 600) / 10 = 30.
    assert.equal(alpha.actualRate, 30);
    assert.deepEqual(alpha.rateMeasuredFrom, { id: 2, asOf: '2018-07-02' });
    assert.deepEqual(
      alpha.history.map((point) => point.asOf),
      ['2018-06-15', '2018-07-02', '2018-07-16'],
    );
  });

  it('is not known yet at a t before the baseline snapshot', () => {
    const result = available(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-06-20', deadline: '2019-03-29' })));
    assert.equal(result.baselineSnapshot, null);
    const alpha = userIn(result, ALPHA);
    assert.deepEqual([alpha.baseline, alpha.actualRate, alpha.trajectory], [null, null, []]);
    assert.deepEqual([alpha.rag, alpha.reason], ['AMBER', 'not enough snapshots']);
  });

  it('can be pinned by SECAS, which also lets earlier snapshots measure rates', () => {
    // Pinned to 06-15 with a 15 WD rate window: 06-15 → 07-16 is 21 WD (Jun 18–22, 25–29, Jul 2–6,
    // 9–13, 16), 07-02 → 07-16 only 10. So S0 = 06-15: (1000 − 600) / 21. Unpinned, the only
    // candidate is 07-02 (the oldest, though short of the window): (900 − 600) / 10.
    const settings = { ...buildInputs().settings, rateWindow: 15 };
    const pinned = userIn(computeProgress(buildInputs({ snapshots, settings: { ...settings, baselineSnapshotId: 1 } })), ALPHA);
    assert.equal(pinned.baseline, 1000);
    assert.equal(pinned.actualRate, 400 / 21);
    const unpinned = userIn(computeProgress(buildInputs({ snapshots, settings })), ALPHA);
    assert.equal(unpinned.actualRate, 30);
  });

  it('falls back to the default, with a warning, when the pinned snapshot is unknown or superseded', () => {
    const unknown = available(computeProgress(buildInputs({ snapshots, settings: { ...buildInputs().settings, baselineSnapshotId: 99 } })));
    assert.deepEqual(unknown.baselineSnapshot, { id: 2, asOf: '2018-07-02' });
    assert.match(unknown.warnings[0] ?? '', /99 does not exist/);

    const resent = [...snapshots, snapshot(4, '2018-06-15', { [ALPHA]: esmeOnly(1000, 10) })];
    const superseded = available(computeProgress(buildInputs({ snapshots: resent, settings: { ...buildInputs().settings, baselineSnapshotId: 1 } })));
    assert.deepEqual(superseded.baselineSnapshot, { id: 4, asOf: '2018-06-15' });
    assert.equal(userIn(superseded, ALPHA).baseline, 990);
    assert.match(superseded.warnings[0] ?? '', /superseded by snapshot 4/);
  });

  it('uses the newest upload of the baseline date', () => {
    const resent = [...snapshots, snapshot(5, '2018-07-02', { [ALPHA]: esmeOnly(1000, 50) })];
    const result = available(computeProgress(buildInputs({ snapshots: resent })));
    assert.deepEqual(result.baselineSnapshot, { id: 5, asOf: '2018-07-02' });
    assert.equal(userIn(result, ALPHA).baseline, 950);
    assert.deepEqual(result.warnings, []);
  });
});

describe('Users absent from some snapshots', () => {
  it('takes the baseline of a User missing from the baseline snapshot from its first appearance', () => {
    // Beta first appears on 07-16 with 500 outstanding. As of 07-16 that is its only snapshot, so
    // no rate; as of 07-30 (10 WD later) it has 400: (500 − 400) / 10 = 10 a WD.
    const snapshots = [
      snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) }),
      snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(1000, 100), [BETA]: esmeOnly(500, 0) }),
      snapshot(3, '2018-07-30', { [ALPHA]: esmeOnly(1000, 200), [BETA]: esmeOnly(500, 100) }),
    ];
    const early = userIn(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-16' })), BETA);
    assert.deepEqual([early.baseline, early.actualRate, early.reason], [500, null, 'not enough snapshots']);
    assert.deepEqual(
      early.history.map((point) => point.total),
      [500],
      'nothing drawn before it appears',
    );

    const later = userIn(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-30' })), BETA);
    assert.equal(later.baseline, 500);
    assert.equal(later.actualRate, 10);
    assert.deepEqual(later.rateMeasuredFrom, { id: 2, asOf: '2018-07-16' });
  });

  it('lists a User absent from the snapshot used with nothing in scope there (a snapshot is the whole SMI)', () => {
    // Beta's meters left it between 07-02 and 07-16: 0 outstanding there, complete.
    const snapshots = [
      snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0), [BETA]: esmeOnly(200, 0) }),
      snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(1000, 100) }),
    ];
    const beta = userIn(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-16' })), BETA);
    assert.deepEqual(beta.total, { inScope: 0, completed: 0, invalid: 0, outstanding: 0, newMissing: 0 });
    assert.equal(beta.baseline, 200);
    assert.equal(beta.completionPct, 100);
    assert.deepEqual([beta.rag, beta.reason], ['GREEN', 'complete']);
    assert.deepEqual(
      beta.history.map((point) => [point.asOf, point.total]),
      [
        ['2018-07-02', 200],
        ['2018-07-16', 0],
      ],
    );
  });

  it('lists a registered User that no snapshot has shown yet, with no baseline', () => {
    const snapshots = [snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) })];
    const beta = userIn(computeProgress(buildInputs({ snapshots, askedAsOf: '2018-07-02' })), BETA);
    assert.equal(beta.name, 'Beta Gas & Power');
    assert.deepEqual([beta.baseline, beta.actualRate, beta.history, beta.flags], [null, null, [], []]);
    assert.deepEqual([beta.rag, beta.reason], ['GREEN', 'complete']);
  });
});

describe('listing Users', () => {
  it('sorts by User ID whatever the register order, flagging IDs not registered or not yet named', () => {
    const early = '00-00-00-00-00-00-00-01';
    const snapshots = [snapshot(1, '2018-07-02', { [GAMMA]: esmeOnly(5, 0), [early]: esmeOnly(5, 0), [ALPHA]: esmeOnly(5, 0) })];
    const register = [
      { userId: BETA, name: 'Beta Gas & Power', registered: true },
      { userId: ALPHA, name: 'Alpha Energy', registered: true },
      { userId: GAMMA, name: GAMMA, registered: false },
    ];
    const result = available(computeProgress(buildInputs({ snapshots, register, askedAsOf: '2018-07-02' })));
    assert.deepEqual(
      result.users.map((user) => user.userId),
      [early, ALPHA, BETA, GAMMA],
    );
    assert.deepEqual(
      result.users.map((user) => [user.name, user.registered, user.flags.includes('UNREGISTERED_USER')]),
      [
        [early, false, true],
        ['Alpha Energy', true, false],
        ['Beta Gas & Power', true, false],
        [GAMMA, false, true],
      ],
    );
  });
});

describe('actual rate', () => {
  it('measures its window in Working Days, so it reaches further back across a bank holiday', () => {
    // t = Tue 2018-08-28. Tue 08-14 → 08-28: 15–17, 20–24, 28 = 9 WD (Mon 27 is a bank holiday),
    // short of 10; Mon 08-13 → 08-28 = 10. So S0 = 08-13: (5000 − 3900) / 10 = 110.
    const snapshots = [
      snapshot(1, '2018-08-13', { [ALPHA]: esmeOnly(5000, 0) }),
      snapshot(2, '2018-08-14', { [ALPHA]: esmeOnly(5000, 100) }),
      snapshot(3, '2018-08-28', { [ALPHA]: esmeOnly(5000, 1100) }),
    ];
    const settings = { ...buildInputs().settings, implementationDate: '2018-08-01' };
    const alpha = userIn(computeProgress(buildInputs({ snapshots, settings })), ALPHA);
    assert.deepEqual(alpha.rateMeasuredFrom, { id: 1, asOf: '2018-08-13' });
    assert.equal(alpha.actualRate, 110);
    // Were 27 Aug a Working Day, 08-14 would be 10 WD back: (4900 − 3900) / 10 = 100.
    const noHolidays = userIn(computeProgress(buildInputs({ snapshots, settings, holidays: new WorkingDays([]) })), ALPHA);
    assert.equal(noHolidays.actualRate, 100);
  });

  it('falls back to the oldest earlier snapshot when none is a full window back', () => {
    // Mon 08-20 → Fri 08-24 is 4 WD: (1000 − 600) / 4 = 100.
    const snapshots = [
      snapshot(1, '2018-08-20', { [ALPHA]: esmeOnly(1000, 0) }),
      snapshot(2, '2018-08-22', { [ALPHA]: esmeOnly(1000, 200) }),
      snapshot(3, '2018-08-24', { [ALPHA]: esmeOnly(1000, 400) }),
    ];
    const settings = { ...buildInputs().settings, implementationDate: '2018-08-01' };
    const alpha = userIn(computeProgress(buildInputs({ snapshots, settings })), ALPHA);
    assert.deepEqual([alpha.actualRate, alpha.rateMeasuredFrom?.asOf], [100, '2018-08-20']);
  });

  it('is null when no Working Day lies between S0 and t', () => {
    // Fri 08-24 → Mon 08-27 (bank holiday): Sat, Sun and the holiday are no WD, so wdBetween = 0.
    const snapshots = [snapshot(1, '2018-08-24', { [ALPHA]: esmeOnly(1000, 0) }), snapshot(2, '2018-08-27', { [ALPHA]: esmeOnly(1000, 50) })];
    const settings = { ...buildInputs().settings, implementationDate: '2018-08-01' };
    const alpha = userIn(computeProgress(buildInputs({ snapshots, settings, deadline: '2019-03-29' })), ALPHA);
    assert.deepEqual([alpha.actualRate, alpha.projectedCompletion, alpha.rag, alpha.reason], [null, null, 'AMBER', 'not enough snapshots']);
  });

  it('projects completion exactly where floating point would be a day late', () => {
    // 22 → 11 outstanding over 15 WD: 11/15 a WD; 11 more take exactly 15 WD. In floating point
    // 11 / (11 / 15) = 15.000000000000002, whose ceiling would wrongly be 16.
    assert.equal(Math.ceil(11 / (11 / 15)), 16);
    const t = wd.addWd('2018-07-02', 15);
    const snapshots = [snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(22, 0) }), snapshot(2, t, { [ALPHA]: esmeOnly(22, 11) })];
    const alpha = userIn(computeProgress(buildInputs({ snapshots })), ALPHA);
    assert.equal(alpha.projectedCompletion, wd.addWd(t, 15));
  });
});

describe('deadline', () => {
  // Fri 2019-03-08 → Fri 2019-03-22 is 10 WD; 1500 → 500 outstanding: 100 a WD. 500 more take
  // 5 WD: Mon 25 – Fri 29 March.
  const snapshots = [snapshot(1, '2019-03-08', { [ALPHA]: esmeOnly(2000, 500) }), snapshot(2, '2019-03-22', { [ALPHA]: esmeOnly(2000, 1500) })];
  const settings = { ...buildInputs().settings, implementationDate: '2019-03-01' };

  it('on a Saturday leaves the Working Days up to the Friday before it', () => {
    const alpha = userIn(computeProgress(buildInputs({ snapshots, settings, deadline: '2019-03-30' })), ALPHA);
    assert.equal(alpha.wdRemaining, 5);
    assert.equal(alpha.requiredRate, 100);
    assert.equal(alpha.projectedCompletion, '2019-03-29');
    assert.deepEqual([alpha.rag, alpha.reason], ['GREEN', 'on track']);
  });

  it('on the Sunday after a Friday t leaves no Working Day: RED "deadline missed"', () => {
    const alpha = userIn(computeProgress(buildInputs({ snapshots, settings, deadline: '2019-03-24' })), ALPHA);
    assert.deepEqual([alpha.wdRemaining, alpha.requiredRate, alpha.rag, alpha.reason], [0, null, 'RED', 'deadline missed']);
  });

  it('when none is set, leaves wdRemaining, requiredRate and the trajectory empty', () => {
    const result = available(computeProgress(buildInputs({ snapshots, settings, deadline: null })));
    const alpha = userIn(result, ALPHA);
    assert.deepEqual([alpha.wdRemaining, alpha.requiredRate, alpha.trajectory, alpha.rag], [null, null, [], 'GREEN']);
    assert.deepEqual(result.programme.trajectory, []);
  });
});

describe('dated facts count from their date', () => {
  const snapshots = [
    snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(1000, 0) }),
    snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(1000, 0) }),
    snapshot(3, '2018-07-30', { [ALPHA]: esmeOnly(1000, 0) }),
    snapshot(4, '2018-08-13', { [ALPHA]: esmeOnly(1000, 0) }),
  ];
  const at = (askedAsOf: string, changes: Parameters<typeof buildInputs>[0]) =>
    userIn(computeProgress(buildInputs({ snapshots, askedAsOf, ...changes })), ALPHA);

  it('does not count a declaration received after t', () => {
    // Declared on Fri 07-20, after the window that ended Thu 07-05. At 07-16 it is not known yet, so
    // the notification is missing; at 07-30 it is known and late, and the DCC's window
    // (07-20 + 5 WD = Fri 07-27) has passed with no allowance confirmed.
    const declarations = [{ userId: ALPHA, count: 1000, receivedOn: '2018-07-20' }];
    const before = at('2018-07-16', { declarations });
    assert.deepEqual([before.declared, before.flags], [null, ['NOTIFICATION_MISSING']]);
    const after = at('2018-07-30', { declarations });
    assert.deepEqual([after.declared, after.flags], [1000, ['CONFIRMATION_MISSING', 'NOTIFICATION_LATE']]);
  });

  it('shows a corrected declaration from its date, without making the first one late', () => {
    // 1000 on time on 07-05, corrected to 1200 on 08-01: 200 is more than 5 % of 1000.
    const declarations = [
      { userId: ALPHA, count: 1200, receivedOn: '2018-08-01' },
      { userId: ALPHA, count: 1000, receivedOn: '2018-07-05' },
    ];
    const allowances = [{ userId: ALPHA, perDay: 50, effectiveFrom: '2018-07-09', confirmedOn: '2018-07-06' }];
    const before = at('2018-07-30', { declarations, allowances });
    assert.deepEqual([before.declared, before.flags], [1000, []]);
    const after = at('2018-08-13', { declarations, allowances });
    assert.deepEqual([after.declared, after.flags], [1200, ['DECLARATION_MISMATCH']]);
  });

  it('follows an allowance that changes mid-programme, one of them confirmed after it took effect', () => {
    // 20 a WD from 07-16 but confirmed only on 07-20; raised to 60 from 08-01, confirmed 07-27.
    const declarations = [{ userId: ALPHA, count: 1000, receivedOn: '2018-07-05' }];
    const allowances = [
      { userId: ALPHA, perDay: 60, effectiveFrom: '2018-08-01', confirmedOn: '2018-07-27' },
      { userId: ALPHA, perDay: 20, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-20' },
    ];
    const on16th = at('2018-07-16', { declarations, allowances });
    // Not confirmed by 07-16, though the DCC's window (07-05 + 5 WD = 07-12) has passed.
    assert.deepEqual([on16th.allowance, on16th.flags], [null, ['CONFIRMATION_MISSING']]);
    const on30th = at('2018-07-30', { declarations, allowances });
    // Confirmed 07-27 for 08-01: known, not yet in force; the first confirmation (07-20) was late.
    assert.deepEqual([on30th.allowance, on30th.flags], [20, ['CONFIRMATION_LATE']]);
    assert.equal(at('2018-08-13', { declarations, allowances }).allowance, 60);
  });
});

describe('ALLOWANCE_EXCEEDED', () => {
  // 100 a WD from the start. 07-02 → 07-16 is 10 WD: +1000 is exactly the allowance. 07-16 → Wed
  // 07-18 is 2 WD: +201 is one more than 200. The flag then stays: it is about any pair up to t.
  const allowances = [{ userId: ALPHA, perDay: 100, effectiveFrom: '2018-07-02', confirmedOn: '2018-07-02' }];
  const declarations = [{ userId: ALPHA, count: 5000, receivedOn: '2018-07-02' }];
  const snapshots = [
    snapshot(1, '2018-07-02', { [ALPHA]: esmeOnly(5000, 0) }),
    snapshot(2, '2018-07-16', { [ALPHA]: esmeOnly(5000, 1000) }),
    snapshot(3, '2018-07-18', { [ALPHA]: esmeOnly(5000, 1201) }),
    snapshot(4, '2018-08-01', { [ALPHA]: esmeOnly(5000, 1300) }),
  ];
  const flagsAt = (askedAsOf: string) => userIn(computeProgress(buildInputs({ snapshots, allowances, declarations, askedAsOf })), ALPHA).flags;

  it('is raised when completed rises by more than allowance × WDs between consecutive snapshots', () => {
    assert.deepEqual(flagsAt('2018-07-16'), []);
    assert.deepEqual(flagsAt('2018-07-18'), ['ALLOWANCE_EXCEEDED']);
    assert.deepEqual(flagsAt('2018-08-01'), ['ALLOWANCE_EXCEEDED']);
  });
});

describe('invalid input', () => {
  it('refuses dates that are not YYYY-MM-DD', () => {
    assert.throws(() => computeProgress(buildInputs({ askedAsOf: '2019-02-29' })), RangeError);
    assert.throws(() => computeProgress(buildInputs({ deadline: '29/03/2019' })), RangeError);
  });
});
