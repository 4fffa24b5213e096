// Issue 18 point 6, "fewer slips", on SQLite and MySQL: a remove form sent without confirm=yes
// removes nothing and asks instead (what a mistaken click or a form sent by anything else does);
// the audit log filtered by who, what and London dates, with its before/after as changed fields;
// and snapshots recounted from their archived files after a MAP register change, figures by hand.
import assert from 'node:assert/strict';
import { unlink } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { findSnapshot } from '../../db/queries/snapshots.ts';
import { snapshotRecountJob } from '../../jobs/snapshot-recount.ts';
import { JobRunner } from '../../jobs/runner.ts';
import type { JobContext } from '../../jobs/context.ts';
import type { Role } from '../../server/auth/roles.ts';
import { createLogger } from '../../server/logger.ts';
import { recordAllowance } from '../../server/programme/allowances.ts';
import { listDeclarationVersions, recordDeclaration } from '../../server/programme/declarations.ts';
import { addHoliday, listHolidays } from '../../server/programme/holidays.ts';
import { listMapRegister, saveMapEntry } from '../../server/programme/map-register.ts';
import { loadSettings } from '../../server/programme/settings.ts';
import { importUsers } from '../../server/programme/users-register.ts';
import { archiveWorkDone, locateArchived } from '../../server/snapshots/ingest/archive.ts';
import { recountSnapshots, snapshotsToRecount } from '../../server/snapshots/recount/recount.ts';
import { newestRecountKey, requestRecount } from '../../server/snapshots/recount/recount-requests.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import type { Response, TestClient } from '../helpers/http-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { row, USER_A, HEADER } from '../unit/snapshots/scan-helpers.ts';
import { ingestBytes, setSetting, storedCounts, storedRejections, tempDataDir } from '../unit/snapshots/ingest-helpers.ts';

const PASSWORD = 'slips pages 1234';
const SECAS = { kind: 'account', name: 'sam@example.org' } as const;

const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

async function submit(client: TestClient, formPage: string, action: string, fields: Record<string, string>): Promise<Response> {
  return client.postForm(action, { _csrf: await client.csrfToken(formPage), ...fields });
}

/** The audit table's rows as text, newest first. */
function auditRows(page: Response): string[] {
  const table = /<table class="data-table" id="audit-table">[\s\S]*?<\/table>\s*<\/div>/.exec(page.text)?.[0] ?? '';
  return [...table.matchAll(/<tr>\s*<td class="nowrap"[^>]*>([\s\S]*?)<td class="hint"/g)].map((m) => text(m[1]!));
}

for (const kind of databaseKinds) {
  describe(`fewer slips on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let as = new Map<Role, TestClient>();

    before(async () => {
      t = await kind.create();
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
      await addRoleAccounts(t.db.knex, PASSWORD);
      as = await loggedInClients(server.url, PASSWORD);
      await importUsers(t.db.knex, Buffer.from(`user_id,name\n${USER_A},Alpha Energy\n`), 'users.csv', SECAS);
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('removes nothing when a remove form comes without confirm=yes, and asks with the details instead', async () => {
      const { knex } = t.db;
      await recordDeclaration(knex, { user_id: USER_A, count: '1000', received_on: '2018-07-05' }, SECAS);
      await recordDeclaration(knex, { user_id: USER_A, count: '1200', received_on: '2018-07-20' }, SECAS);
      await recordAllowance(knex, { user_id: USER_A, per_day: '40', effective_from: '2018-07-16', confirmed_on: '2018-07-11' }, SECAS);
      await addHoliday(knex, { date: '2027-06-07', name: 'Extra day' }, SECAS);
      await saveMapEntry(knex, { map_id: 'ZZ99', name: 'Meters R Us' }, SECAS);
      const dcc = as.get('dcc')!;
      const secas = as.get('secas')!;

      // The declaration in force: the page names it, says the earlier one comes back, and sends confirm=yes.
      const asked = await submit(dcc, '/users/declarations', '/users/declarations/remove', { user_id: USER_A, received_on: '2018-07-20' });
      assert.equal(asked.status, 200);
      assert.match(text(asked.text), new RegExp(`Remove the declaration of Alpha Energy \\(${USER_A}\\) received on 20 Jul 2018\\?`));
      assert.match(text(asked.text), /MAP IDs declared 1,200 Received 20 Jul 2018 Status in force/);
      assert.match(text(asked.text), /The declaration received on 5 Jul 2018 \(1,000 MAP IDs\) comes back into force\./);
      assert.match(asked.text, /<input type="hidden" name="confirm" value="yes">/);
      assert.match(asked.text, /<a href="\/users\/declarations">Cancel: keep it<\/a>/);
      assert.equal((await listDeclarationVersions(knex)).length, 2, 'nothing removed');

      const asks: Array<[TestClient, string, string, Record<string, string>, RegExp]> = [
        [
          dcc,
          '/users/allowances',
          '/users/allowances/remove',
          { user_id: USER_A, effective_from: '2018-07-16' },
          /Remove the allowance of Alpha Energy .* from 16 Jul 2018\?/,
        ],
        [secas, '/settings/holidays', '/settings/holidays/remove', { date: '2027-06-07' }, /Remove Extra day on Monday 7 Jun 2027\?/],
        [secas, '/settings/map-register', '/settings/map-register/remove', { map_id: 'ZZ99' }, /Remove ZZ99 \(Meters R Us\) from the MAP register\?/],
      ];
      for (const [client, page, action, fields, question] of asks) {
        const answer = await submit(client, page, action, fields);
        assert.equal(answer.status, 200, action);
        assert.match(text(answer.text), question);
      }
      assert.equal((await knex('allowances').count({ n: '*' }).first())?.n, kind.name === 'sqlite' ? 1 : 1);
      assert.ok((await listHolidays(knex)).some((d) => d.date === '2027-06-07'));
      assert.deepEqual(
        (await listMapRegister(knex)).map((e) => e.mapId),
        ['ZZ99'],
      );
      assert.equal(
        await knex('audit_log')
          .where('action', 'like', '%.remove')
          .count({ n: '*' })
          .first()
          .then((r) => Number(r?.n)),
        0,
        'no removal audited',
      );

      // Confirmed, it goes (and the earlier declaration is back in force).
      const removed = await submit(dcc, '/users/declarations', '/users/declarations/remove', { user_id: USER_A, received_on: '2018-07-20', confirm: 'yes' });
      assert.equal(removed.status, 303);
      assert.deepEqual(
        (await listDeclarationVersions(knex)).map((d) => [d.receivedOn, d.count, d.inForce]),
        [['2018-07-05', 1000, true]],
      );
      const map = await submit(secas, '/settings/map-register', '/settings/map-register/remove', { map_id: 'ZZ99', confirm: 'yes' });
      assert.equal(map.status, 303);
      assert.deepEqual(await listMapRegister(knex), []);

      // Asking about something that is not there is refused as the removal would be.
      const missing = await submit(secas, '/settings/holidays', '/settings/holidays/remove', { date: '2027-06-08' });
      assert.equal(missing.status, 422);
      assert.match(text(missing.text), /2027-06-08 is not a listed holiday/);
    });

    it('filters the audit log by who, what and London dates, and shows each change as the fields it changed', async () => {
      const { knex } = t.db;
      const entry = (at: string, actor: string, action: string, before: unknown, after: unknown) => ({
        at,
        actor_kind: 'account',
        actor,
        action,
        entity: action.split('.')[0],
        entity_id: USER_A,
        before: before === null ? null : JSON.stringify(before),
        after: after === null ? null : JSON.stringify(after),
      });
      await knex('audit_log').insert([
        // London 28 Mar 2026 23:30 (GMT).
        entry(
          '2026-03-28 23:30:00.000',
          'kim@example.org',
          'declaration.replace',
          { count: 1000, receivedOn: '2018-07-05' },
          { count: 1200, receivedOn: '2018-07-20' },
        ),
        // Summer time from 29 Mar 01:00 UTC: London 30 Mar 2026 00:30.
        entry('2026-03-29 23:30:00.000', 'lee@dcc.example', 'allowance.remove', { userId: USER_A, perDay: 40 }, null),
        // Only the name changed: source is the same before and after and is left out.
        entry('2026-07-01 10:00:00.000', 'kim@example.org', 'holiday.change', { name: 'Early May', source: 'shipped' }, { name: 'VE Day', source: 'shipped' }),
      ]);
      const secas = as.get('secas')!;

      const kim = await secas.get('/audit?who=KIM');
      assert.equal(kim.status, 200);
      assert.deepEqual(auditRows(kim), [
        '1 Jul 2026 11:00 kim@example.org (account) holiday.change holiday 90-B3-D5-1F-30-01-00-0A Field Before After name Early May VE Day',
        '28 Mar 2026 23:30 kim@example.org (account) declaration.replace declaration 90-B3-D5-1F-30-01-00-0A Field Before After count 1000 1200 receivedOn 2018-07-05 2018-07-20',
      ]);
      assert.match(text(kim.text), /Entries that match: 2\./);
      assert.match(kim.text, /<a href="\/audit">Clear the filter<\/a>/);

      const allowances = await secas.get('/audit?what=allowance&who=lee');
      assert.deepEqual(auditRows(allowances), [
        '30 Mar 2026 00:30 lee@dcc.example (account) allowance.remove allowance 90-B3-D5-1F-30-01-00-0A Field Before After userId 90-B3-D5-1F-30-01-00-0A — perDay 40 —',
      ]);
      // London's 30 March holds only the entry at 00:30 summer time; its 29 March, none of these.
      assert.deepEqual(
        auditRows(await secas.get('/audit?from=2026-03-30&to=2026-03-30')).map((r) => r.slice(0, 17)),
        ['30 Mar 2026 00:30'],
      );
      assert.match(text((await secas.get('/audit?from=2026-03-29&to=2026-03-29&who=e')).text), /No entry matches this filter\./);
      assert.equal(auditRows(await secas.get('/audit?from=2026-03-28&to=2026-03-30&who=example')).length, 2);

      const wrong = await secas.get('/audit?from=2026-02-30&what=nonsense');
      assert.equal(wrong.status, 400);
      assert.match(text(wrong.text), /The first date must be a real date written YYYY-MM-DD\./);
      assert.match(text(wrong.text), /"nonsense" is not a kind of change the log holds; choose one from the list\./);
      assert.equal((await secas.get('/audit?from=2026-04-02&to=2026-04-01')).status, 400);

      // A filtered list pages like any other, keeping its filter in the links.
      await knex('audit_log').insert(
        Array.from({ length: 105 }, (_, i) =>
          entry(`2026-05-01 10:${String(i % 60).padStart(2, '0')}:00.000`, 'bulk@example.org', 'holiday.add', null, { name: `Day ${i}` }),
        ),
      );
      const bulk = await secas.get('/audit?who=bulk');
      assert.equal(auditRows(bulk).length, 100);
      assert.match(text(bulk.text), /Entries that match: 105\. Showing 1–100 of 105\./);
      assert.match(bulk.text, /href="\/audit\?who&#x3D;bulk&amp;page&#x3D;2"/);
      assert.equal(auditRows(await secas.get('/audit?who=bulk&page=2')).length, 5);
    });

    it('lists the snapshots to pin as the baseline, and refuses an id that names none', async () => {
      const secas = as.get('secas')!;
      const refused = await submit(secas, '/settings', '/settings', { 'baseline-snapshot': '999' });
      assert.equal(refused.status, 422);
      assert.match(text(refused.text), /There is no snapshot 999: choose the baseline from the list of snapshots, or leave it on the default\./);
      assert.equal((await loadSettings(t.db.knex)).baselineSnapshotId, null);
      // A pin stored before pins were checked shows as it is, not as the default a save would put in its place.
      await setSetting(t.db.knex, 'baseline-snapshot', '999');
      assert.match(
        (await secas.get('/settings')).text,
        /<option value="999" selected>Snapshot 999, which does not exist \(the default is used\): choose one<\/option>/,
      );
      await setSetting(t.db.knex, 'baseline-snapshot', '');
    });

    it('recounts from their archived files the snapshots a MAP register change leaves counted otherwise', async () => {
      const { knex } = t.db;
      const data = tempDataDir();
      try {
        await setSetting(knex, 'max-reject-ratio', '0.5');
        // Rows of USER_A (pre-notified in 2017 unless said): 1 ESME AB12, 2 ESME CD34, 3 GSME CD34, 4 ESME no MAP ID,
        // 5 ESME EF56 pre-notified after the implementation date (2018-06-28), 6 rejected (no such date).
        const rows = [
          row(1, { map_id: 'AB12' }),
          row(2, { map_id: 'CD34' }),
          row(3, { device_type: 'GSME', map_id: 'CD34' }),
          row(4),
          row(5, { map_id: 'EF56', prenotified_date: '2018-07-01' }),
          row(6, { prenotified_date: '2017-13-45' }),
        ];
        // Snapshot 1, register empty (any MAP ID valid): ESME in scope 1, 2, 4 → 3, completed 1, 2 → 2; EF56 valid → no newMissing. GSME 1 of 1.
        const first = await ingestBytes(knex, data.dir, [HEADER, ...rows].join('\n') + '\n', { fileName: 'smi-2018-07-02.csv' });
        assert.equal(first.status, 'imported');
        assert.deepEqual((await storedCounts(knex, first.snapshotId!))[USER_A], {
          esme: { inScope: 3, completed: 2, invalid: 0, outstanding: 1, newMissing: 0 },
          gsme: { inScope: 1, completed: 1, invalid: 0, outstanding: 0, newMissing: 0 },
        });
        await saveMapEntry(knex, { map_id: 'AB12', name: 'Alpha MAP' }, SECAS);
        // Snapshot 2, register {AB12}, with row 7 (ESME AB12): ESME in scope 1, 2, 4, 7 → 4, completed 1, 7 → 2,
        // invalid 2 (CD34) → 1, newMissing 5 (EF56 not listed) → 1; GSME invalid 3 → 1.
        const second = await ingestBytes(knex, data.dir, [HEADER, ...rows, row(7, { map_id: 'AB12' })].join('\n') + '\n', { fileName: 'smi-2018-07-16.csv' });
        assert.deepEqual((await storedCounts(knex, second.snapshotId!))[USER_A], {
          esme: { inScope: 4, completed: 2, invalid: 1, outstanding: 2, newMissing: 1 },
          gsme: { inScope: 1, completed: 0, invalid: 1, outstanding: 1, newMissing: 0 },
        });
        assert.deepEqual(
          (await snapshotsToRecount(knex)).snapshots.map((s) => s.id),
          [first.snapshotId],
          'snapshot 2 counted with the register in force',
        );

        await saveMapEntry(knex, { map_id: 'CD34', name: 'Charlie MAP' }, SECAS);
        const offered = (await snapshotsToRecount(knex)).snapshots;
        assert.deepEqual(
          offered.map((s) => [s.id, s.why]),
          [
            [second.snapshotId, 'MAP register since: CD34 added'],
            [first.snapshotId, 'counted with an empty MAP register (any MAP ID valid); it now lists AB12, CD34'],
          ],
        );
        const rejectedBefore = await storedRejections(knex, first.snapshotId!);
        assert.equal(rejectedBefore.length, 1);

        // Queued from the page (here: its service) and run by the job, as the worker would.
        assert.equal(await requestRecount(knex, { kind: 'account', name: 'secas@example.org' }), 2);
        const key = await newestRecountKey(knex);
        const ctx = { knex, logger: createLogger('silent'), config: { dataDir: data.dir } } as unknown as JobContext;
        const job = snapshotRecountJob();
        const outcome = await new JobRunner(ctx, [job]).run(job, key!);
        assert.equal(outcome.state, 'succeeded');

        // Under {AB12, CD34}: snapshot 1's EF56 (after implementation, not listed) becomes newMissing; nothing else moves.
        assert.deepEqual((await storedCounts(knex, first.snapshotId!))[USER_A], {
          esme: { inScope: 3, completed: 2, invalid: 0, outstanding: 1, newMissing: 1 },
          gsme: { inScope: 1, completed: 1, invalid: 0, outstanding: 0, newMissing: 0 },
        });
        // Snapshot 2: CD34 now valid → ESME completed 1, 2, 7 → 3, invalid 0; GSME completed 1, invalid 0.
        assert.deepEqual((await storedCounts(knex, second.snapshotId!))[USER_A], {
          esme: { inScope: 4, completed: 3, invalid: 0, outstanding: 1, newMissing: 1 },
          gsme: { inScope: 1, completed: 1, invalid: 0, outstanding: 0, newMissing: 0 },
        });
        const stored = await findSnapshot(knex, first.snapshotId!);
        assert.deepEqual([stored?.rows, stored?.accepted, stored?.rejected, stored?.rules_map_register], [6, 5, 1, '["AB12","CD34"]']);
        assert.deepEqual(await storedRejections(knex, first.snapshotId!), rejectedBefore);
        assert.deepEqual((await snapshotsToRecount(knex)).snapshots, []);
        const audits = await knex('audit_log').where({ action: 'snapshot.recount' }).orderBy('id');
        assert.deepEqual(
          audits.map((a: { actor: string; entity_id: string }) => [a.actor, Number(a.entity_id)]),
          [
            ['secas@example.org', second.snapshotId],
            ['secas@example.org', first.snapshotId],
          ],
        );
        assert.deepEqual(JSON.parse((audits[1] as { before: string }).before), {
          implementationDate: '2018-06-28',
          mapRegister: 'empty (any MAP ID valid)',
          counts: { [USER_A]: { esme: { newMissing: 0 } } },
        });

        // A snapshot whose archived file is gone keeps its counts and rules; the others are still recounted.
        await saveMapEntry(knex, { map_id: 'EF56', name: 'Echo MAP' }, SECAS);
        await archiveWorkDone();
        await unlink(await locateArchived(data.dir, (await findSnapshot(knex, first.snapshotId!))!));
        await assert.rejects(
          recountSnapshots({ knex, dataDir: data.dir }, SECAS),
          new RegExp(`Recounted 1 of 2 snapshot\\(s\\); 1 could not be: snapshot ${first.snapshotId}: the archived file of this snapshot is missing`),
        );
        assert.equal((await storedCounts(knex, first.snapshotId!))[USER_A]?.esme?.newMissing, 1, 'left as it was');
        assert.equal((await findSnapshot(knex, first.snapshotId!))?.rules_map_register, '["AB12","CD34"]');
        assert.equal((await storedCounts(knex, second.snapshotId!))[USER_A]?.esme?.newMissing, 0, 'EF56 now listed');

        // The command line lists them, and recounts what it can, saying what it could not.
        await saveMapEntry(knex, { map_id: 'GH78', name: 'Golf MAP' }, SECAS);
        const env = { DATABASE_URL: t.url, DATA_DIR: data.dir };
        const listed = await runCliInProcess(['snapshot', 'recount', '--list'], { env });
        assert.equal(listed.code, 0);
        assert.equal(
          listed.stdout,
          `2 snapshot(s) counted with other rules:\n  snapshot ${second.snapshotId} as of 2018-07-16: MAP register since: GH78 added\n` +
            `  snapshot ${first.snapshotId} as of 2018-07-02: MAP register since: EF56, GH78 added\n`,
        );
        const run = await runCliInProcess(['snapshot', 'recount'], { env });
        assert.equal(run.code, 1);
        assert.match(
          run.stderr,
          new RegExp(`^Recounted 1 of 2 snapshot\\(s\\); 1 could not be: snapshot ${first.snapshotId}: the archived file of this snapshot is missing`),
        );
        assert.deepEqual(
          (await snapshotsToRecount(knex)).snapshots.map((s) => s.id),
          [first.snapshotId],
        );
      } finally {
        await data.remove();
      }
    });
  });
}
