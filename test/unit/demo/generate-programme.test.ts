// The demo programme at a small size, read back with the plain reference reading of SPEC §3.1–3.2
// (test/unit/snapshots/reference-rules.ts, no code shared with the generator or the scanner): its
// files must say exactly what the plan meant, and its dates must raise the flags the cast promises.
// Working Days here are counted day by day, not with the product's calendar arithmetic.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CAST } from '../../../server/demo/demo-cast.ts';
import type { DemoProgramme, SnapshotFilePlan } from '../../../server/demo/demo-programme.ts';
import { generateProgramme, validateMeters } from '../../../server/demo/generate-programme.ts';
import { SNAPSHOT_HEADER, snapshotChunks } from '../../../server/demo/snapshot-file.ts';
import { shippedBankHolidays } from '../../../server/engine/bank-holidays.ts';
import { WorkingDays } from '../../../server/engine/working-days.ts';
import { referenceScan } from '../snapshots/reference-rules.ts';

const HOLIDAYS = new Set(shippedBankHolidays().map((h) => h.date));
const SETTINGS = { implementationDate: '2018-06-28', notificationWindow: 5, confirmationWindow: 5, maxRejectRatio: 0.001 };

function build(seed: number, meters = 3000): DemoProgramme {
  return generateProgramme({ meters, seed, settings: SETTINGS, workingDays: new WorkingDays(HOLIDAYS) });
}

const nextDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const isWd = (date: string): boolean => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day !== 0 && day !== 6 && !HOLIDAYS.has(date);
};
/** Working Days d with a < d ≤ b, one day at a time. */
function wdBetween(a: string, b: string): number {
  let count = 0;
  for (let d = nextDay(a); d <= b; d = nextDay(d)) if (isWd(d)) count++;
  return count;
}
function addWd(a: string, n: number): string {
  let d = a;
  for (let left = n; left > 0;) {
    d = nextDay(d);
    if (isWd(d)) left--;
  }
  return d;
}

function text(programme: DemoProgramme, file: SnapshotFilePlan): string {
  return [...snapshotChunks(programme, file)].join('');
}

function read(programme: DemoProgramme, file: SnapshotFilePlan) {
  const lines = text(programme, file).split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  const [header, ...rows] = lines;
  assert.equal(header, SNAPSHOT_HEADER);
  const records = rows.map((row, i) => ({ line: i + 2, fields: row.split(',') }));
  return { records, result: referenceScan(header.split(','), records, SETTINGS.implementationDate, new Set(programme.mapRegister.map((m) => m.mapId))) };
}

const programme = build(7);
const byTrait = (trait: string) => programme.users.filter((u) => u.traits.some((t) => t === trait));

describe('the demo programme', () => {
  it('has 40 Users of skewed sizes, one of them left out of the register', () => {
    assert.equal(programme.users.length, 40);
    assert.deepEqual(programme.users.filter((u) => u.name === null).length, 1);
    const total = programme.users.reduce((sum, u) => sum + u.meters, 0);
    assert.ok(Math.abs(total - 3000) <= 30, `about 3,000 meters in all (got ${total})`);
    const sizes = programme.users.map((u) => u.meters);
    assert.ok(sizes[0]! > 20 * sizes.at(-1)!, `the largest (${sizes[0]}) dwarfs the smallest (${sizes.at(-1)})`);
    assert.equal(new Set(programme.users.map((u) => u.userId)).size, 40, 'User IDs are distinct');
  });

  it('takes fortnightly snapshots for 18 months from the implementation date', () => {
    const dates = programme.snapshotDates;
    assert.equal(dates.length, 40);
    assert.equal(dates[0], '2018-06-28');
    assert.equal(dates[1], '2018-07-12');
    // 39 fortnights = 546 days after 28 June 2018.
    assert.equal(dates[39], '2019-12-26');
  });

  it('writes files whose rows, read by the SPEC rules, count exactly what was planned', () => {
    for (const file of programme.files.filter((f) => f.kind !== 'partial')) {
      const { result } = read(programme, file);
      const k = file.index;
      assert.equal(result.rows, file.dataRows + file.junk.length, `${file.fileName}: rows`);
      assert.equal(result.rejected.length, file.junk.length, `${file.fileName}: every junk row, and only those, is rejected`);
      assert.ok(result.rejected.length <= 0.001 * result.rows, `${file.fileName}: within max_reject_ratio`);
      if (file.kind === 'regular') assert.ok(result.rejected.length >= 1, `${file.fileName}: a handful of rejected rows`);
      for (const user of programme.users) {
        const counts = result.counts[user.userId];
        assert.ok(counts, `${file.fileName}: ${user.name ?? user.userId} is in the file`);
        const sum = (key: 'inScope' | 'completed' | 'invalid' | 'newMissing') => counts.esme[key] + counts.gsme[key];
        const who = `${file.fileName}, ${user.name ?? user.userId}`;
        assert.equal(sum('inScope'), user.meters, `${who}: in scope`);
        assert.equal(sum('completed'), user.completed[k], `${who}: completed`);
        assert.equal(sum('invalid'), user.invalid[k], `${who}: invalid`);
        assert.equal(sum('newMissing'), user.newMissing[k], `${who}: new without MAP ID`);
      }
    }
  });

  it('re-sends one snapshot with its bad rows fixed, and first sends one as a broken extract', () => {
    const reissue = programme.files.find((f) => f.kind === 'reissue')!;
    const first = programme.files.find((f) => f.kind === 'regular' && f.index === reissue.index)!;
    assert.ok(programme.files.indexOf(reissue) > programme.files.indexOf(first), 'the correction comes after the original');
    assert.equal(read(programme, reissue).result.rejected.length, 0);
    assert.notEqual(text(programme, reissue), text(programme, first), 'different bytes, so it supersedes rather than duplicates');

    const partial = programme.files.find((f) => f.kind === 'partial')!;
    const { result } = read(programme, partial);
    assert.ok(result.rejected.length > 0.001 * result.rows, `more rejected rows (${result.rejected.length} of ${result.rows}) than the import allows`);
    assert.equal(partial.expect, 'failed');
    assert.ok(programme.files.indexOf(partial) < programme.files.findIndex((f) => f.kind === 'regular' && f.index === partial.index));
  });

  it('has the SMI mix of device types, statuses and spellings', () => {
    const last = programme.files.filter((f) => f.kind === 'regular').at(-1)!;
    const { records } = read(programme, last);
    const types = new Set(records.map((r) => r.fields[1]));
    for (const type of ['ESME', 'GSME', 'CHF', 'GPF', 'PPMID', 'IHD']) assert.ok(types.has(type), `device type ${type}`);
    const statuses = new Set(records.map((r) => r.fields[2]));
    for (const status of ['Commissioned', 'InstalledNotCommissioned', 'Decommissioned', 'Withdrawn', 'Pending', 'Suspended'])
      assert.ok(statuses.has(status), `status ${status}`);
    const ids = records.map((r) => r.fields[0]!);
    assert.ok(
      ids.some((id) => /^[0-9A-F]{16}$/.test(id)),
      'some device IDs are bare hex',
    );
    assert.ok(
      ids.some((id) => id.includes(':')),
      'some are joined by colons',
    );
    assert.ok(
      ids.some((id) => /[a-f]/.test(id) && id.includes('-')),
      'some are lower case',
    );
    const newMeters = records.filter((r) => ['ESME', 'GSME'].includes(r.fields[1]!) && r.fields[5]! >= '2018-06-28');
    assert.ok(
      newMeters.some((r) => r.fields[4] !== '') && newMeters.some((r) => r.fields[4] === ''),
      'meters pre-notified since implementation, with and without MAP IDs',
    );
  });

  it('dates declarations and allowances so that the planned flags follow', () => {
    // 5 Working Days after Thursday 28 June 2018: 29 June, 2, 3, 4 and 5 July.
    const due = '2018-07-05';
    assert.equal(addWd('2018-06-28', 5), due);
    const firstOf = (userId: string) => programme.declarations.filter((d) => d.userId === userId).sort((a, b) => (a.receivedOn < b.receivedOn ? -1 : 1));
    const late = new Set(byTrait('late-declaration').map((u) => u.userId));
    assert.equal(late.size, 4);
    for (const user of programme.users) {
      const declared = firstOf(user.userId);
      if (user.traits.includes('no-declaration')) {
        assert.equal(declared.length, 0, `${user.name ?? user.userId} never declares`);
        continue;
      }
      assert.equal(declared[0]!.receivedOn > due, late.has(user.userId), `${user.name}: declared ${declared[0]!.receivedOn}`);
      const inForce = declared.at(-1)!;
      const off = Math.abs(inForce.count - user.meters) / user.meters;
      assert.equal(off > 0.05, user.traits.includes('mismatched-declaration'), `${user.name}: declared ${inForce.count} for ${user.meters} meters`);
      if (user.traits.includes('corrected-declaration')) {
        assert.equal(declared.length, 2);
        assert.ok(Math.abs(declared[0]!.count - user.meters) / user.meters > 0.05, 'the first count was wrong');
      }
      const confirmed = programme.allowances
        .filter((a) => a.userId === user.userId)
        .map((a) => a.confirmedOn)
        .sort()[0]!;
      assert.equal(confirmed > addWd(declared[0]!.receivedOn, 5), user.traits.includes('late-confirmation'), `${user.name}: allowance confirmed ${confirmed}`);
    }
    assert.equal(byTrait('late-confirmation').length, 1);
  });

  it('gives every User an allowance it keeps to, except the one that bursts through it', () => {
    const dates = programme.snapshotDates;
    const exceeded = programme.users.filter((user) => {
      const mine = programme.allowances.filter((a) => a.userId === user.userId);
      return dates.some((date, k) => {
        if (k === 0) return false;
        const inForce = mine
          .filter((a) => a.effectiveFrom <= date && a.confirmedOn <= date)
          .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))
          .at(-1);
        return inForce !== undefined && user.completed[k]! - user.completed[k - 1]! > inForce.perDay * wdBetween(dates[k - 1]!, date);
      });
    });
    assert.deepEqual(
      exceeded.map((u) => u.name),
      ['Lantern Gas & Electric'],
    );
    assert.deepEqual(
      byTrait('bursts').map((u) => u.name),
      ['Lantern Gas & Electric'],
    );
    assert.equal(programme.allowances.filter((a) => a.userId === byTrait('raised-allowance')[0]!.userId).length, 2, 'one User’s allowance is raised part-way');
  });

  it('moves the deadline once, between the two months it publishes reports for', () => {
    assert.deepEqual(programme.reportMonths, ['2019-10', '2019-11']);
    const [first, moved] = programme.deadlines;
    assert.equal(first.deadline, '2019-12-31');
    assert.equal(first.decidedOn, '2018-07-03');
    assert.equal(moved.deadline, '2020-06-30');
    // 5 Working Days after 31 October 2019: 1, 4, 5, 6 and 7 November.
    assert.equal(moved.decidedOn, '2019-11-07');
    assert.match(moved.reason, /Moved by six months/);
  });

  it('gives each pace the progress it is named for', () => {
    for (const user of programme.users) {
      const done = user.completed.at(-1)! / user.meters;
      const stalledFor = user.completed.length - 1 - user.completed.findIndex((v) => v === user.completed.at(-1));
      if (user.pace === 'finishes') assert.equal(done, 1, `${user.name} finishes`);
      else assert.ok(done < 1, `${user.name} is not finished`);
      if (user.pace === 'stalls') assert.ok(stalledFor >= 5, `${user.name} has made no progress for ${stalledFor} snapshots`);
    }
    assert.deepEqual(
      Object.fromEntries(['finishes', 'on-track', 'slow', 'stalls', 'short-allowance'].map((pace) => [pace, CAST.filter((c) => c.pace === pace).length])),
      { finishes: 12, 'on-track': 14, slow: 7, stalls: 4, 'short-allowance': 3 },
    );
  });

  it('is the same for the same seed and differs for another', () => {
    const digest = (p: DemoProgramme) =>
      createHash('sha256')
        .update(p.files.map((f) => text(p, f)).join(''))
        .digest('hex');
    assert.equal(digest(build(7)), digest(programme));
    assert.notEqual(digest(build(8)), digest(programme));
  });

  it('refuses a size it cannot build well, with a sentence', () => {
    assert.match(validateMeters(1999)!, /from 2,000 to 2,000,000 \(got 1999\)/);
    assert.match(validateMeters(2500.5)!, /whole number/);
    assert.equal(validateMeters(2000), null);
    assert.throws(() => build(7, 100), RangeError);
  });
});
