import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../server/errors.ts';
import { DEFAULT_SETTINGS, changeSetting, loadSettings } from '../../server/programme/settings.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { insertSnapshot } from './programme-fixtures.ts';

const SECAS = { kind: 'account', name: 'sam@example.org' } as const;

for (const kind of databaseKinds) {
  describe(`programme settings on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    before(async () => (t = await kind.create()));
    after(async () => t?.drop());

    it('start at the SPEC §3.3 defaults', async () => {
      assert.deepEqual(await loadSettings(t.db.knex), {
        implementationDate: '2018-06-28',
        notificationWindow: 5,
        confirmationWindow: 5,
        rateWindow: 10,
        reportDay: 5,
        reportClassification: 'AMBER',
        paperReference: '',
        staleAfter: 15,
        maxRejectRatio: 0.001,
        maxUsers: 1000,
        baselineSnapshotId: null,
        timeZone: 'Europe/London',
      });
    });

    it('take the Panel Information Policy’s WHITE, a paper reference and a stale-data limit', async () => {
      await changeSetting(t.db.knex, 'report-classification', 'white', SECAS);
      await changeSetting(t.db.knex, 'paper-reference', ' SECP_123_01 ', SECAS);
      await changeSetting(t.db.knex, 'stale-after', '20', SECAS);
      const settings = await loadSettings(t.db.knex);
      assert.deepEqual([settings.reportClassification, settings.paperReference, settings.staleAfter], ['WHITE', 'SECP_123_01', 20]);
      for (const [name, value] of [
        ['report-classification', 'AMBER'],
        ['paper-reference', ''],
        ['stale-after', '15'],
      ] as const)
        await changeSetting(t.db.knex, name, value, SECAS);
      await t.db.knex('audit_log').where({ action: 'setting.change' }).delete();
    });

    it('store a change under the name people use, and audit before and after', async () => {
      const change = await changeSetting(t.db.knex, 'max-reject-ratio', '0.25', SECAS);
      assert.deepEqual(change, { key: 'maxRejectRatio', before: 0.001, after: 0.25 });
      await changeSetting(t.db.knex, 'report-classification', 'green', SECAS);
      // A pinned baseline must be a snapshot that exists: a typed id that names none is refused, not kept.
      await assert.rejects(
        changeSetting(t.db.knex, 'baseline-snapshot', '7', SECAS),
        /^ValidationError: There is no snapshot 7: choose the baseline from the list/,
      );
      const pinned = await insertSnapshot(t.db.knex, '2018-07-02', { '90-B3-D5-1F-30-01-00-0A': { esme: [10, 0] } });
      await changeSetting(t.db.knex, 'baseline-snapshot', String(pinned), SECAS);
      const settings = await loadSettings(t.db.knex);
      assert.equal(settings.maxRejectRatio, 0.25);
      assert.equal(settings.reportClassification, 'GREEN');
      assert.equal(settings.baselineSnapshotId, pinned);
      const audit = await t.db.knex('audit_log').where({ action: 'setting.change', entity_id: 'max-reject-ratio' }).first();
      assert.equal(audit.actor, 'sam@example.org');
      assert.deepEqual(JSON.parse(audit.before), { value: 0.001 });
      assert.deepEqual(JSON.parse(audit.after), { value: 0.25 });
      await changeSetting(t.db.knex, 'baseline-snapshot', '', SECAS);
      assert.equal((await loadSettings(t.db.knex)).baselineSnapshotId, null);
    });

    const refused: Array<[string, string, RegExp]> = [
      ['implementation-date', '2018-02-30', /real date written YYYY-MM-DD/],
      ['rate-window', '0', /whole number from 1 to 250/],
      ['rate-window', '2.5', /whole number/],
      ['max-reject-ratio', '1.5', /from 0 to 1/],
      ['max-users', '0', /^The most Users in one snapshot must be a whole number from 1 to 1000000\.$/],
      ['max-users', '1,000', /whole number/],
      ['report-classification', 'SECRET', /one of RED, AMBER\+STRICT, AMBER, GREEN, CLEAR, WHITE\.$/],
      ['stale-after', '0', /^The stale-data limit must be a whole number from 1 to 250\.$/],
      ['paper-reference', 'SECP<script>', /^The paper reference must be up to 40 letters, digits, spaces and \. \/ _ - characters\.$/],
      ['time-zone', 'UTC', /"time-zone" is not a setting/],
    ];
    for (const [name, value, message] of refused) {
      it(`refuses ${name} = ${value} with a sentence, changing nothing`, async () => {
        const before = await loadSettings(t.db.knex);
        await assert.rejects(changeSetting(t.db.knex, name, value, SECAS), (err: unknown) => err instanceof ValidationError && message.test(err.message));
        assert.deepEqual(await loadSettings(t.db.knex), before);
      });
    }

    it('fall back to the default for a stored value that no longer parses', async () => {
      await t.db
        .knex('settings')
        .insert({ key: 'rate-window', value: 'ten', updated_at: '2026-11-28 00:00:00.000', updated_by: 'x' })
        .onConflict('key')
        .merge();
      assert.equal((await loadSettings(t.db.knex)).rateWindow, DEFAULT_SETTINGS.rateWindow);
    });
  });
}
