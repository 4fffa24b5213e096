// Hand-worked positions through the database (SPEC §4): reference data recorded by the programme
// services, snapshots stored as the ingest leaves them, holidays read from the holidays table, and
// the progress service doing the one computation every face renders. On SQLite and MySQL.
//
// Working Days (WD) below are England and Wales ones: Mon 2018-08-27, Mon 2021-12-27 and Tue 12-28
// (Christmas and Boxing Day substitutes), Mon 2022-01-03 (New Year substitute), Mon 2022-09-19
// (the Queen's funeral), 2022-12-26 and 12-27 are bank holidays.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { recordAllowance } from '../../server/programme/allowances.ts';
import { setDeadline } from '../../server/programme/deadline.ts';
import { recordDeclaration } from '../../server/programme/declarations.ts';
import { addHoliday, removeHoliday } from '../../server/programme/holidays.ts';
import { planDeadline, progressAsOf } from '../../server/progress/progress-service.ts';
import { changeSetting } from '../../server/programme/settings.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import type { ProgressAvailable, UserPosition } from '../../server/engine/types.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { clearProgramme, insertSnapshot } from './programme-fixtures.ts';

const SECAS = { kind: 'account', name: 'sam@example.org' } as const;

const id = (n: number): string => `90-B3-D5-1F-30-01-00-${n.toString(16).toUpperCase().padStart(2, '0')}`;

async function register(knex: Knex, users: Array<[number, string]>): Promise<void> {
  const csv = ['user_id,name', ...users.map(([n, name]) => `${id(n)},${name}`)].join('\n');
  await importUsers(knex, Buffer.from(csv), 'users.csv', SECAS);
}

async function declare(knex: Knex, n: number, count: number, receivedOn: string): Promise<void> {
  await recordDeclaration(knex, { user_id: id(n), count: String(count), received_on: receivedOn }, SECAS);
}

async function allowance(knex: Knex, n: number, perDay: number, effectiveFrom: string, confirmedOn: string): Promise<void> {
  await recordAllowance(knex, { user_id: id(n), per_day: String(perDay), effective_from: effectiveFrom, confirmed_on: confirmedOn }, SECAS);
}

async function deadline(knex: Knex, date: string, decidedOn = '2018-07-01'): Promise<void> {
  await setDeadline(knex, { deadline: date, decided_on: decidedOn, reason: 'Panel decision' }, SECAS);
}

async function positions(knex: Knex, askedAsOf: string): Promise<ProgressAvailable> {
  const result = await progressAsOf(knex, askedAsOf);
  if (result.status !== 'ok') assert.fail(result.message);
  return result;
}

function user(result: ProgressAvailable, n: number): UserPosition {
  const found = result.users.find((position) => position.userId === id(n));
  assert.ok(found, `no position for ${id(n)}`);
  return found;
}

const ragOf = (position: UserPosition): [string, string] => [position.rag, position.reason];

for (const kind of databaseKinds) {
  describe(`progress through the database on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let knex: Knex;
    before(async () => {
      t = await kind.create();
      knex = t.db.knex;
    });
    after(async () => t?.drop());
    beforeEach(async () => clearProgramme(knex));

    describe('every RAG rule (SPEC §4.3), as of Mon 2018-07-16', () => {
      // Two snapshots: Mon 07-02 (the baseline: the first on or after the implementation date
      // 2018-06-28) and Mon 07-16. wdBetween(07-02, 07-16) = 3–6 Jul (4) + 9–13 (5) + 16 = 10 = the
      // rate window, so every actual rate is (outstanding at 07-02 − at 07-16) / 10.
      // Everyone declared its baseline on 07-05 (due addWd(06-28, 5) = 07-05) and had an allowance
      // confirmed on 07-05 (due 07-05 + 5 WD = 07-12), so no compliance flag is raised.
      beforeEach(async () => {
        await register(knex, [
          [1, 'Complete'],
          [3, 'Short allowance'],
          [4, 'Late starter'],
          [5, 'Stalled'],
          [6, 'Slow'],
          [7, 'Steady'],
        ]);
        await insertSnapshot(knex, '2018-07-02', {
          [id(1)]: { esme: [100, 0] },
          [id(3)]: { esme: [1100, 0] },
          [id(5)]: { esme: [500, 0] },
          [id(6)]: { esme: [600, 0], gsme: [400, 0] },
          [id(7)]: { esme: [1000, 0] },
        });
        await insertSnapshot(knex, '2018-07-16', {
          [id(1)]: { esme: [100, 100] },
          [id(3)]: { esme: [1100, 100] },
          // User 4 is missing from the baseline snapshot: its baseline is its first appearance.
          [id(4)]: { esme: [300, 0] },
          [id(5)]: { esme: [500, 0] },
          [id(6)]: { esme: [600, 6], gsme: [400, 4] },
          [id(7)]: { esme: [1000, 500] },
        });
        for (const [n, baseline] of [
          [1, 100],
          [3, 1100],
          [4, 300],
          [5, 500],
          [6, 1000],
          [7, 1000],
        ] as const) {
          await declare(knex, n, baseline, '2018-07-05');
          await allowance(knex, n, n === 3 ? 10 : 1000, '2018-07-02', '2018-07-05');
        }
      });

      it('without a deadline skips the rules that need one: no progress is AMBER, not RED', async () => {
        const result = await positions(knex, '2018-07-16');
        assert.equal(result.deadline, null);
        // 1: 0 outstanding → GREEN complete. 3: rule 3 needs a deadline; rate (1100 − 1000) / 10 = 10 > 0
        // and rule 6 needs a deadline → GREEN on track. 4: one snapshot → no rate → AMBER.
        // 5: (500 − 500) / 10 = 0 → AMBER "no progress" (RED only with a deadline). 6: 1 a WD, on track
        // without a deadline to be late for. 7: (1000 − 500) / 10 = 50 → on track.
        assert.deepEqual(result.users.map(ragOf), [
          ['GREEN', 'complete'],
          ['GREEN', 'on track'],
          ['AMBER', 'not enough snapshots'],
          ['AMBER', 'no progress'],
          ['GREEN', 'on track'],
          ['GREEN', 'on track'],
        ]);
        assert.deepEqual(
          result.users.map((u) => u.requiredRate),
          [null, null, null, null, null, null],
        );
      });

      it('with a deadline on a Saturday gives each rule its User', async () => {
        await deadline(knex, '2018-09-29');
        const result = await positions(knex, '2018-07-16');
        // wdRemaining = wdBetween(Mon 07-16, Sat 09-29): July 17–20, 23–27, 30–31 = 11; August 23
        // weekdays less the 27th = 22; September 3–7, 10–14, 17–21, 24–28 = 20 (Sat 29 is none) → 53,
        // the same as for Fri 09-28: a weekend deadline's last Working Day is the Friday before.
        assert.deepEqual(
          result.users.map((u) => u.wdRemaining),
          [53, 53, 53, 53, 53, 53],
        );
        const plan = await planDeadline(knex, { askedAsOf: '2018-07-16', proposed: '2018-09-28' });
        assert.deepEqual(
          plan.proposal?.users.map((u) => u.wdRemaining),
          [53, 53, 53, 53, 53, 53],
        );
        assert.deepEqual(plan.deadlineDay, { date: '2018-09-29', weekday: 'Saturday', workingDay: false });

        // Rule 1 — User 1: outstanding 0 → GREEN complete, projected t itself.
        assert.deepEqual([...ragOf(user(result, 1)), user(result, 1).projectedCompletion], ['GREEN', 'complete', '2018-07-16']);
        // Rule 3 — User 3: required 1000 / 53 = 18.87 a WD > allowance 10 → RED.
        assert.equal(user(result, 3).requiredRate, 1000 / 53);
        assert.deepEqual(ragOf(user(result, 3)), ['RED', 'cannot finish within allowance']);
        // Rule 4 — User 4: absent from the 07-02 baseline snapshot, so baseline = 300 from 07-16; one
        // snapshot since the baseline → no rate → AMBER (required 300 / 53 = 5.66 ≤ 1000, rule 3 passes).
        assert.deepEqual([user(result, 4).baseline, user(result, 4).actualRate], [300, null]);
        assert.deepEqual(ragOf(user(result, 4)), ['AMBER', 'not enough snapshots']);
        // Rule 5 — User 5: rate 0 with a deadline → RED no progress; no projection.
        assert.deepEqual([user(result, 5).actualRate, user(result, 5).projectedCompletion], [0, null]);
        assert.deepEqual(ragOf(user(result, 5)), ['RED', 'no progress']);
        // Rule 6 — User 6: both fuels: (1000 − 990) / 10 = 1 a WD; 990 WD after 07-16 is years past
        // 09-29 → AMBER projected after deadline.
        assert.deepEqual([user(result, 6).esme.outstanding, user(result, 6).gsme.outstanding, user(result, 6).total.outstanding], [594, 396, 990]);
        assert.equal(user(result, 6).actualRate, 1);
        assert.deepEqual(ragOf(user(result, 6)), ['AMBER', 'projected after deadline']);
        // Rule 7 — User 7: 500 left at 50 a WD = 10 WD after 07-16: 17–20, 23–27, Mon 30 → 2018-07-30.
        assert.equal(user(result, 7).projectedCompletion, '2018-07-30');
        assert.deepEqual(ragOf(user(result, 7)), ['GREEN', 'on track']);
        assert.deepEqual(
          result.users.map((u) => u.flags),
          [[], [], [], [], [], []],
        );
      });

      it('makes every unfinished User RED once the deadline in force has passed (rule 2)', async () => {
        await deadline(knex, '2018-09-29');
        // The Panel moves it to Fri 07-13, before t: the latest recorded is the one in force, and
        // wdBetween(07-16, 07-13) = 0 → RED "deadline missed" for all but the complete User.
        await deadline(knex, '2018-07-13', '2018-07-10');
        const result = await positions(knex, '2018-07-16');
        assert.equal(result.deadline, '2018-07-13');
        assert.deepEqual(result.users.map(ragOf), [
          ['GREEN', 'complete'],
          ['RED', 'deadline missed'],
          ['RED', 'deadline missed'],
          ['RED', 'deadline missed'],
          ['RED', 'deadline missed'],
          ['RED', 'deadline missed'],
        ]);
        assert.deepEqual(
          result.users.map((u) => u.requiredRate),
          [null, null, null, null, null, null],
        );
      });
    });

    it('raises every compliance flag (SPEC §4.4) on its own User, as of Mon 2018-07-16', async () => {
      // Snapshots 07-02 and 07-16 (10 WD apart). Notification due addWd(06-28, 5) = Thu 07-05; a
      // declaration received on 07-05 must be confirmed by addWd(07-05, 5) = Thu 07-12. Every User
      // but the one a flag is about declared its baseline on 07-05 and was confirmed 1000 a WD on 07-05.
      await register(knex, [
        [0x11, 'Silent'],
        [0x12, 'Late notifier'],
        [0x13, 'Unconfirmed'],
        [0x14, 'Confirmed late'],
        [0x15, 'Overdeclared'],
        [0x16, 'Just within 5 %'],
        [0x17, 'Too fast'],
        [0x18, 'New meters'],
        [0x19, 'Bad MAP IDs'],
      ]);
      const baseline = { esme: [1000, 0] as [number, number] };
      await insertSnapshot(knex, '2018-07-02', Object.fromEntries([0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a].map((n) => [id(n), baseline])));
      await insertSnapshot(knex, '2018-07-16', {
        ...Object.fromEntries([0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x18, 0x19, 0x1a].map((n) => [id(n), { esme: [1000, 100] as [number, number] }])),
        [id(0x17)]: { esme: [1000, 101] },
        [id(0x18)]: { esme: [1000, 100, 0, 3] },
        [id(0x19)]: { esme: [1000, 100, 4, 0] },
      });
      // 0x11 declares nothing: baseline 1000 > 0 and t > 07-05 → NOTIFICATION_MISSING.
      await declare(knex, 0x12, 1000, '2018-07-06'); // after 07-05 → NOTIFICATION_LATE
      await allowance(knex, 0x12, 1000, '2018-07-02', '2018-07-06'); // due 07-06 + 5 WD = 07-13: on time
      await declare(knex, 0x13, 1000, '2018-07-05'); // no allowance by 07-16 > 07-12 → CONFIRMATION_MISSING
      await declare(knex, 0x14, 1000, '2018-07-05');
      await allowance(knex, 0x14, 1000, '2018-07-02', '2018-07-13'); // 07-13 > 07-12 → CONFIRMATION_LATE
      await declare(knex, 0x15, 1051, '2018-07-05'); // |1051 − 1000| = 51 > 5 % of 1000 = 50 → DECLARATION_MISMATCH
      await allowance(knex, 0x15, 1000, '2018-07-02', '2018-07-05');
      await declare(knex, 0x16, 1050, '2018-07-05'); // 50 is not more than 50 → no flag
      await allowance(knex, 0x16, 1000, '2018-07-02', '2018-07-05');
      await declare(knex, 0x17, 1000, '2018-07-05');
      // Completed rose 0 → 101 over 10 WD; 10 a WD allows 100 → ALLOWANCE_EXCEEDED.
      await allowance(knex, 0x17, 10, '2018-07-02', '2018-07-05');
      for (const n of [0x18, 0x19]) {
        await declare(knex, n, 1000, '2018-07-05');
        await allowance(knex, n, 1000, '2018-07-02', '2018-07-05');
      }
      // 0x1A is in the snapshots only (the ingest added it unregistered): UNREGISTERED_USER, and
      // with a baseline of 1000 and no declaration, NOTIFICATION_MISSING too.

      const result = await positions(knex, '2018-07-16');
      assert.deepEqual(
        result.users.map((u) => [u.userId, u.flags]),
        [
          [id(0x11), ['NOTIFICATION_MISSING']],
          [id(0x12), ['NOTIFICATION_LATE']],
          [id(0x13), ['CONFIRMATION_MISSING']],
          [id(0x14), ['CONFIRMATION_LATE']],
          [id(0x15), ['DECLARATION_MISMATCH']],
          [id(0x16), []],
          [id(0x17), ['ALLOWANCE_EXCEEDED']],
          [id(0x18), ['NEW_WITHOUT_MAP_ID']],
          [id(0x19), ['INVALID_MAP_IDS']],
          [id(0x1a), ['NOTIFICATION_MISSING', 'UNREGISTERED_USER']],
        ],
      );
      assert.equal(user(result, 0x1a).name, id(0x1a), 'named by its ID until SECAS names it');
      // Flags sit beside the RAG status, never in it: 0x17's rate (1000 − 899) / 10 = 10.1 is on track.
      assert.deepEqual(ragOf(user(result, 0x17)), ['GREEN', 'on track']);

      // Naming the unregistered User in the register clears its flag at once.
      await register(knex, [[0x1a, 'Found in a snapshot']]);
      assert.deepEqual(user(await positions(knex, '2018-07-16'), 0x1a).flags, ['NOTIFICATION_MISSING']);
    });

    it('measures the rate window across Christmas 2021 and its substitute days, read from the holidays table', async () => {
      // t = Wed 2022-01-05. Back from it the Working Days are Jan 5, 4 (Mon 3 is New Year's
      // substitute), Dec 31, 30, 29 (27 and 28 are the Christmas and Boxing Day substitutes), 24, 23,
      // 22, 21, 20: wdBetween(Fri 12-17, 01-05) = 10, wdBetween(Wed 12-22, 01-05) = 7 (23, 24, 29,
      // 30, 31, 4, 5). So S0 = 12-17 and the rate is (5000 − 4000) / 10 = 100 a WD.
      await register(knex, [[0x21, 'Festive']]);
      await insertSnapshot(knex, '2021-12-17', { [id(0x21)]: { esme: [5000, 0] } });
      await insertSnapshot(knex, '2021-12-22', { [id(0x21)]: { esme: [5000, 400] } });
      await insertSnapshot(knex, '2022-01-05', { [id(0x21)]: { esme: [5000, 1000] } });
      const festive = user(await positions(knex, '2022-01-05'), 0x21);
      assert.equal(festive.rateMeasuredFrom?.asOf, '2021-12-17');
      assert.equal(festive.actualRate, 100);
      // 4000 at 100 a WD = 40 WD after 01-05: Jan 6–7, 10–14, 17–21, 24–28, 31 = 18; Feb 1–4, 7–11,
      // 14–18, 21–25, 28 = 20 (38); Mar 1, 2 → 2022-03-02.
      assert.equal(festive.projectedCompletion, '2022-03-02');

      // Were the substitute days Working Days, 12-22 → 01-05 would be 23, 24, 27, 28, 29, 30, 31, 3,
      // 4, 5 = 10 WD, so S0 = 12-22 and the rate (4600 − 4000) / 10 = 60.
      for (const date of ['2021-12-27', '2021-12-28', '2022-01-03']) await removeHoliday(knex, { date }, SECAS);
      const ordinary = user(await positions(knex, '2022-01-05'), 0x21);
      assert.deepEqual([ordinary.rateMeasuredFrom?.asOf, ordinary.actualRate], ['2021-12-22', 60]);
    });

    it('measures the rate window and the Working Days left across Mon 2022-09-19', async () => {
      // t = Fri 2022-09-30. wdBetween(Thu 09-15, 09-30) = 16, 20–23, 26–30 = 10 (the 19th is the
      // Queen's funeral); wdBetween(Fri 09-16, 09-30) = 9. S0 = 09-15: (3000 − 2000) / 10 = 100.
      await register(knex, [[0x22, 'Autumn']]);
      await deadline(knex, '2022-12-30', '2022-09-01');
      await insertSnapshot(knex, '2022-09-15', { [id(0x22)]: { gsme: [3000, 0] } });
      await insertSnapshot(knex, '2022-09-16', { [id(0x22)]: { gsme: [3000, 50] } });
      await insertSnapshot(knex, '2022-09-30', { [id(0x22)]: { gsme: [3000, 1000] } });
      const autumn = user(await positions(knex, '2022-09-30'), 0x22);
      assert.deepEqual([autumn.rateMeasuredFrom?.asOf, autumn.actualRate], ['2022-09-15', 100]);
      // wdBetween(09-30, Fri 12-30): October 21, November 22, December 1–2, 5–9, 12–16, 19–23 and
      // 28–30 = 20 (Mon 26 Boxing Day, Tue 27 Christmas substitute) → 63; required 2000 / 63.
      assert.equal(autumn.wdRemaining, 63);
      assert.equal(autumn.requiredRate, 2000 / 63);
      // 2000 / 100 = 20 WD after 09-30: Oct 3–7, 10–14, 17–21, 24–28 → Fri 2022-10-28; GREEN.
      assert.deepEqual([autumn.projectedCompletion, autumn.rag], ['2022-10-28', 'GREEN']);

      // Without the funeral day, 09-16 → 09-30 is 10 WD: S0 = 09-16, (2950 − 2000) / 10 = 95.
      await removeHoliday(knex, { date: '2022-09-19' }, SECAS);
      const ordinary = user(await positions(knex, '2022-09-30'), 0x22);
      assert.deepEqual([ordinary.rateMeasuredFrom?.asOf, ordinary.actualRate, ordinary.wdRemaining], ['2022-09-16', 95, 63]);
      // And a day SECAS adds counts at once: Fri 2022-10-14 off leaves 62 WD to the deadline.
      await addHoliday(knex, { date: '2022-10-14', name: 'Extra day' }, SECAS);
      assert.equal(user(await positions(knex, '2022-09-30'), 0x22).wdRemaining, 62);
    });

    it('counts only the newest upload of an as-of date: a superseded snapshot is history, not data', async () => {
      // 07-16 was uploaded twice; the second (completed 300) supersedes the first (completed 100),
      // which also named a User 0x32 that the corrected file does not. Rate (1000 − 700) / 10 = 30.
      // 0x32 is in the register, unregistered, because the ingest met it; no snapshot that counts
      // shows it, so it is not a User of the programme.
      await register(knex, [[0x31, 'Resent']]);
      const first = await insertSnapshot(knex, '2018-07-02', { [id(0x31)]: { esme: [1000, 0] } });
      const wrong = await insertSnapshot(knex, '2018-07-16', { [id(0x31)]: { esme: [1000, 100] }, [id(0x32)]: { esme: [5, 0] } });
      const right = await insertSnapshot(knex, '2018-07-16', { [id(0x31)]: { esme: [1000, 300] } }, { supersedes: wrong });
      const result = await positions(knex, '2018-07-16');
      assert.equal(result.snapshotId, right);
      assert.deepEqual(
        result.users.map((u) => u.userId),
        [id(0x31)],
      );
      assert.deepEqual([user(result, 0x31).total.completed, user(result, 0x31).actualRate], [300, 30]);
      assert.deepEqual(
        user(result, 0x31).history.map((point) => point.snapshotId),
        [first, right],
      );

      // SECAS pinned the superseded upload as the baseline: its successor for that date is used, with a warning.
      await changeSetting(knex, 'baseline-snapshot', String(wrong), SECAS);
      const pinned = await positions(knex, '2018-07-16');
      assert.deepEqual(pinned.baselineSnapshot, { id: right, asOf: '2018-07-16' });
      assert.match(pinned.warnings[0] ?? '', new RegExp(`superseded by snapshot ${right}`));
    });

    it('applies an allowance that changes mid-programme from its date, once confirmed', async () => {
      // User 0x41: 20 a WD from 07-16 (confirmed 07-12), raised to 60 from Mon 10-01 but confirmed
      // only on Wed 10-03. Deadline Fri 11-30. Snapshots 09-14 (the baseline), 09-28, 10-02, 10-03.
      await register(knex, [[0x41, 'Raised']]);
      await deadline(knex, '2018-11-30');
      await declare(knex, 0x41, 2000, '2018-07-05');
      await allowance(knex, 0x41, 20, '2018-07-16', '2018-07-12');
      await allowance(knex, 0x41, 60, '2018-10-01', '2018-10-03');
      await insertSnapshot(knex, '2018-09-14', { [id(0x41)]: { esme: [3000, 1000] } });
      await insertSnapshot(knex, '2018-09-28', { [id(0x41)]: { esme: [3000, 1200] } });
      await insertSnapshot(knex, '2018-10-02', { [id(0x41)]: { esme: [3000, 1500] } });
      await insertSnapshot(knex, '2018-10-03', { [id(0x41)]: { esme: [3000, 1550] } });

      // As of Fri 09-28: 20 a WD. 09-14 → 09-28 is 10 WD and completed rose 200 = 20 × 10: not exceeded.
      const september = user(await positions(knex, '2018-09-28'), 0x41);
      assert.deepEqual([september.allowance, september.flags], [20, []]);

      // As of Tue 10-02 the 60 is effective (10-01) but not yet confirmed: 20 is in force. Completed
      // rose 300 over 2 WD (Oct 1, 2) > 20 × 2 = 40 → ALLOWANCE_EXCEEDED. Required 1500 / 43 (Oct 3–5,
      // 8–12, 15–19, 22–26, 29–31 = 21; Nov 1–2, 5–9, 12–16, 19–23, 26–30 = 22) = 34.9 > 20 → RED.
      const tuesday = user(await positions(knex, '2018-10-02'), 0x41);
      assert.deepEqual([tuesday.allowance, tuesday.wdRemaining, tuesday.requiredRate], [20, 43, 1500 / 43]);
      assert.deepEqual(ragOf(tuesday), ['RED', 'cannot finish within allowance']);
      assert.deepEqual(tuesday.flags, ['ALLOWANCE_EXCEEDED']);

      // As of Wed 10-03, confirmed: 60. Required 1450 / 42 = 34.5 ≤ 60. Rate from 09-14 (13 WD back:
      // Sep 17–21, 24–28, Oct 1–3): (2000 − 1450) / 13 = 42.3; ceil(1450 × 13 / 550) = 35 WD after
      // 10-03: Oct 4–5, 8–12, 15–19, 22–26, 29–31 = 20; Nov 1–2, 5–9, 12–16 = 32; 19, 20, 21 → 11-21
      // ≤ 11-30 → GREEN. The earlier excess stays flagged: it happened.
      const wednesday = user(await positions(knex, '2018-10-03'), 0x41);
      assert.deepEqual([wednesday.allowance, wednesday.requiredRate, wednesday.actualRate], [60, 1450 / 42, 550 / 13]);
      assert.deepEqual([wednesday.projectedCompletion, ...ragOf(wednesday)], ['2018-11-21', 'GREEN', 'on track']);
      assert.deepEqual(wednesday.flags, ['ALLOWANCE_EXCEEDED']);
    });

    it('shows a declaration as it stood at t: a later correction does not rewrite an earlier month', async () => {
      // Declared 1000 on 07-05 (on time); corrected to 1200 received 08-01. As of 07-16 the
      // declaration is 1000 (no mismatch with the baseline 1000); as of 08-01, 1200: 200 > 50 →
      // DECLARATION_MISMATCH, and not NOTIFICATION_LATE, since the first notification was on time.
      await register(knex, [[0x51, 'Corrector']]);
      await insertSnapshot(knex, '2018-07-02', { [id(0x51)]: { esme: [1000, 0] } });
      await insertSnapshot(knex, '2018-07-16', { [id(0x51)]: { esme: [1000, 100] } });
      await insertSnapshot(knex, '2018-08-01', { [id(0x51)]: { esme: [1000, 200] } });
      await allowance(knex, 0x51, 100, '2018-07-02', '2018-07-05');
      await declare(knex, 0x51, 1000, '2018-07-05');
      await declare(knex, 0x51, 1200, '2018-08-01');
      const july = user(await positions(knex, '2018-07-16'), 0x51);
      assert.deepEqual([july.declared, july.flags], [1000, []]);
      const august = user(await positions(knex, '2018-08-01'), 0x51);
      assert.deepEqual([august.declared, august.flags], [1200, ['DECLARATION_MISMATCH']]);
    });
  });
}
