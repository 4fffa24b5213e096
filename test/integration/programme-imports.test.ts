// Reference data through its services on SQLite and MySQL (SPEC §3.3): every import checks every
// row, stores all or nothing and names each problem's line and field; every change is audited with
// its before and after; exports import back unchanged.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Knex } from 'knex';
import { up as shipBankHolidays } from '../../db/migrations/20261128G2-ship-bank-holidays.ts';
import { ValidationError, type FieldError } from '../../server/errors.ts';
import { allowancesCsv, importAllowances, listAllowances, recordAllowance, removeAllowance } from '../../server/programme/allowances.ts';
import { deadlinesCsv, importDeadlines, listDeadlines, setDeadline } from '../../server/programme/deadline.ts';
import { declarationsCsv, importDeclarations, listDeclarationVersions, recordDeclaration, removeDeclaration } from '../../server/programme/declarations.ts';
import { addHoliday, holidaysCsv, importHolidays, listHolidays, removeHoliday } from '../../server/programme/holidays.ts';
import { importMapRegister, listMapRegister, mapRegisterCsv, removeMapEntry } from '../../server/programme/map-register.ts';
import { loadSettings } from '../../server/programme/settings.ts';
import { changeSettings, importSettings, settingsCsv } from '../../server/programme/settings-file.ts';
import { importUsers, listUsers, saveUser, usersCsv } from '../../server/programme/users-register.ts';
import { databaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { clearProgramme, insertSnapshot } from './programme-fixtures.ts';

const DCC = { kind: 'account', name: 'dana@dcc.example' } as const;
const SECAS = { kind: 'account', name: 'sam@example.org' } as const;
const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const BETA = '90-B3-D5-1F-30-01-00-0B';
const GAMMA = '90-B3-D5-1F-30-01-00-0C';

const csv = (...lines: string[]): Buffer => Buffer.from(lines.join('\n'));

/** The problems a refused change lists, as [line, field, message] for comparing. */
async function refusal(work: Promise<unknown>): Promise<{ message: string; problems: Array<[number | undefined, string, string]> }> {
  try {
    await work;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { message: err.message, problems: err.fields.map((f: FieldError) => [f.line, f.field, f.message]) };
  }
  assert.fail('the change was not refused');
}

async function audit(knex: Knex, action: string): Promise<Array<{ actor: string; entity_id: string; before: unknown; after: unknown }>> {
  const rows = await knex('audit_log').where({ action }).orderBy('id');
  return rows.map((row: { actor: string; entity_id: string; before: string | null; after: string | null }) => ({
    actor: row.actor,
    entity_id: row.entity_id,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}

for (const kind of databaseKinds) {
  describe(`programme reference data on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let knex: Knex;
    before(async () => {
      t = await kind.create();
      knex = t.db.knex;
    });
    after(async () => t?.drop());
    beforeEach(async () => clearProgramme(knex));

    describe('the Users register', () => {
      it('imports a spreadsheet’s file: BOM, CRLF, any header case and order, extra columns, any ID spelling', async () => {
        const file = Buffer.from(
          '\uFEFF Name ,Notes,USER_ID,Short_Name\r\n' +
            'Alpha Energy,first,90b3d51f3001000a,Alpha\r\n' +
            '\r\n' +
            '"Beta Gas & Power","a ""quoted"",\r\nmulti-line note",90:b3:d5:1f:30:01:00:0b,\r\n',
        );
        assert.deepEqual(await importUsers(knex, file, 'register.csv', SECAS), { rows: 2, added: 2, changed: 0, unchanged: 0 });
        assert.deepEqual(await listUsers(knex), [
          { userId: ALPHA, name: 'Alpha Energy', shortName: 'Alpha', registered: true },
          { userId: BETA, name: 'Beta Gas & Power', shortName: null, registered: true },
        ]);
        const added = await audit(knex, 'user.add');
        assert.deepEqual(added[0], {
          actor: 'sam@example.org',
          entity_id: ALPHA,
          before: null,
          after: { name: 'Alpha Energy', shortName: 'Alpha', registered: true },
        });
        assert.deepEqual((await audit(knex, 'users.import'))[0]?.after, { rows: 2, added: 2, changed: 0, unchanged: 0 });
      });

      it('refuses the whole file when any row is wrong, naming each line and field', async () => {
        await importUsers(knex, csv('user_id,name', `${ALPHA},Alpha Energy`), 'first.csv', SECAS);
        // Line 3 (after a blank line 2) has a bad ID; Beta's quoted name spans lines 4–5; line 6
        // names Beta again; line 7 has no name; line 8 too few fields.
        const file = csv('user_id,name', '', '90-B3-D5-1F-30-01-00-0Z,Zed', `${BETA},"Beta`, `Gas"`, '90b3d51f3001000b,Renamed', `${GAMMA},`, 'lonely');
        const refused = await refusal(importUsers(knex, file, 'bad.csv', SECAS));
        assert.equal(refused.message, 'Nothing was imported from bad.csv: it has 4 problems.');
        assert.deepEqual(refused.problems, [
          [3, 'user_id', '"90-B3-D5-1F-30-01-00-0Z" is not a User ID: write 16 hex digits, bare or as 8 pairs joined by - or : (e.g. 90-B3-D5-1F-30-01-00-0A)'],
          [6, 'user_id', 'the same user_id as line 4; each may appear once'],
          [7, 'name', 'The name is empty; it is required'],
          [8, 'row', 'it has 1 field but the header has 2'],
        ]);
        assert.deepEqual(
          (await listUsers(knex)).map((u) => u.name),
          ['Alpha Energy'],
          'nothing of the file was stored',
        );
        assert.equal((await audit(knex, 'users.import')).length, 1, 'only the first import is audited');
      });

      it('says what is wrong with a file it cannot use at all', async () => {
        const cases: Array<[Buffer, RegExp]> = [
          [Buffer.from(''), /^Line 1: the file is empty; the first line must name the columns user_id, name, \[short_name\]\.$/],
          [csv('name,short_name', 'Alpha,A'), /^Line 1: the header has no "user_id" column/],
          [csv('id,title', `${ALPHA},Alpha`), /^Line 1: there is no header/],
          [csv('user_id,name,NAME', `${ALPHA},a,b`), /^Line 1: the header names "name" more than once/],
          [csv('', '', 'user_id,name'), /^Line 3: the file has a header but no data rows\.$/],
          [csv('user_id,name', `${ALPHA},"Alpha`), /^Line 2: the CSV cannot be read: a quoted field is never closed/],
          [Buffer.from([0x75, 0x73, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x0a, 0xff, 0xfe]), /not UTF-8 text/],
        ];
        for (const [file, message] of cases) {
          const refused = await refusal(importUsers(knex, file, 'x.csv', SECAS));
          assert.match(refused.message, message);
        }
      });

      it('registers a User a snapshot added, keeps short names a file leaves out, and re-imports its export unchanged', async () => {
        await insertSnapshot(knex, '2018-07-02', { [GAMMA]: { esme: [5, 0] } });
        await importUsers(knex, csv('user_id,name,short_name', `${ALPHA},Alpha Energy,Alpha`), 'a.csv', SECAS);
        assert.deepEqual(
          (await listUsers(knex)).map((u) => [u.userId, u.registered]),
          [
            [ALPHA, true],
            [GAMMA, false],
          ],
        );

        // The export lists the unregistered User named by its ID; imported back, nothing changes.
        const exported = await usersCsv(knex);
        assert.equal(exported, `user_id,name,short_name,registered\r\n${ALPHA},Alpha Energy,Alpha,yes\r\n${GAMMA},${GAMMA},,no\r\n`);
        assert.deepEqual(await importUsers(knex, Buffer.from(exported), 'export.csv', SECAS), { rows: 2, added: 0, changed: 0, unchanged: 2 });

        // Without a short_name column, Alpha keeps "Alpha"; naming Gamma registers it.
        assert.deepEqual(await importUsers(knex, csv('user_id,name', `${ALPHA},Alpha Energy plc`, `${GAMMA},Gamma Supply`), 'b.csv', SECAS), {
          rows: 2,
          added: 0,
          changed: 2,
          unchanged: 0,
        });
        assert.deepEqual(await listUsers(knex), [
          { userId: ALPHA, name: 'Alpha Energy plc', shortName: 'Alpha', registered: true },
          { userId: GAMMA, name: 'Gamma Supply', shortName: null, registered: true },
        ]);
        const changed = await audit(knex, 'user.change');
        assert.deepEqual(changed.at(-1), {
          actor: 'sam@example.org',
          entity_id: GAMMA,
          before: { name: GAMMA, shortName: null, registered: false },
          after: { name: 'Gamma Supply', shortName: null, registered: true },
        });
      });

      it('guards names a spreadsheet would run as formulas, and reads them back unchanged', async () => {
        await saveUser(knex, { user_id: ALPHA, name: '=HYPERLINK("x")' }, SECAS);
        const exported = await usersCsv(knex);
        assert.match(exported, /,"'=HYPERLINK\(""x""\)",/);
        assert.deepEqual(await importUsers(knex, Buffer.from(exported), 'export.csv', SECAS), { rows: 1, added: 0, changed: 0, unchanged: 1 });
      });
    });

    describe('declarations', () => {
      beforeEach(async () => importUsers(knex, csv('user_id,name', `${ALPHA},Alpha`, `${BETA},Beta`), 'users.csv', SECAS));

      it('refuses rows for Users not in the register, with the others’ problems, storing nothing', async () => {
        const file = csv('received_on,user_id,count', `2018-07-05,${ALPHA},10000`, `2018-07-05,${GAMMA},5`, `2018-02-30,${BETA},-3`, `2018-07-06,${BETA},1.5`);
        const refused = await refusal(importDeclarations(knex, file, 'declarations.csv', DCC));
        assert.deepEqual(refused.problems, [
          [3, 'user_id', `${GAMMA} is not in the Users register; SECAS adds it under Users first (a User seen in a snapshot is there already)`],
          [4, 'count', '"-3" is not a whole number of 0 or more'],
          [4, 'received_on', '"2018-02-30" is not a real date written YYYY-MM-DD'],
          [5, 'count', '"1.5" is not a whole number of 0 or more'],
        ]);
        assert.deepEqual(await listDeclarationVersions(knex), []);
      });

      it('keeps a correction received later beside the one it replaced, and fixes a record received the same day', async () => {
        // A file with Alpha's original and its correction in any order ends with the correction in force.
        const file = csv('user_id,count,received_on', `${ALPHA},"10,500",2018-08-01`, `${ALPHA},10000,2018-07-05`, `${BETA},3000,2018-07-09`);
        assert.deepEqual(await importDeclarations(knex, file, 'declarations.csv', DCC), { rows: 3, added: 2, changed: 1, unchanged: 0 });
        const versions = async () => (await listDeclarationVersions(knex)).map((d) => [d.userId, d.count, d.receivedOn, d.inForce]);
        assert.deepEqual(await versions(), [
          [ALPHA, 10000, '2018-07-05', false],
          [ALPHA, 10500, '2018-08-01', true],
          [BETA, 3000, '2018-07-09', true],
        ]);
        assert.deepEqual((await audit(knex, 'declaration.replace'))[0], {
          actor: 'dana@dcc.example',
          entity_id: ALPHA,
          before: { count: 10000, receivedOn: '2018-07-05' },
          after: { count: 10500, receivedOn: '2018-08-01' },
        });

        // Beta's count was mistyped: the same received date corrects the record itself.
        assert.deepEqual(await recordDeclaration(knex, { user_id: BETA, count: '3100', received_on: '2018-07-09' }, DCC), {
          rows: 1,
          added: 0,
          changed: 1,
          unchanged: 0,
        });
        assert.deepEqual((await audit(knex, 'declaration.change'))[0]?.before, { count: 3000, receivedOn: '2018-07-09' });
        // The export imports back unchanged, history and all.
        const exported = await declarationsCsv(knex);
        assert.equal(exported, `user_id,count,received_on\r\n${ALPHA},10000,2018-07-05\r\n${ALPHA},10500,2018-08-01\r\n${BETA},3100,2018-07-09\r\n`);
        assert.deepEqual(await importDeclarations(knex, Buffer.from(exported), 'export.csv', DCC), { rows: 3, added: 0, changed: 0, unchanged: 3 });

        // Removing the one in force (recorded in error) puts the one before it back in force.
        await removeDeclaration(knex, { user_id: ALPHA, received_on: '2018-08-01' }, SECAS);
        assert.deepEqual(await versions(), [
          [ALPHA, 10000, '2018-07-05', true],
          [BETA, 3100, '2018-07-09', true],
        ]);
        assert.deepEqual((await audit(knex, 'declaration.remove'))[0]?.after, { inForce: { count: 10000, receivedOn: '2018-07-05' } });
        assert.match(
          (await refusal(removeDeclaration(knex, { user_id: ALPHA, received_on: '2018-08-01' }, SECAS))).message,
          /has no declaration received on 2018-08-01/,
        );
      });

      it('refuses a file naming one User and date twice', async () => {
        const refused = await refusal(
          importDeclarations(knex, csv('user_id,count,received_on', `${ALPHA},1,2018-07-05`, `90b3d51f3001000a,2,2018-07-05`), 'd.csv', DCC),
        );
        assert.deepEqual(refused.problems, [[3, 'user_id and received_on', 'the same user_id and received_on as line 2; each may appear once']]);
      });
    });

    describe('allowances', () => {
      beforeEach(async () => importUsers(knex, csv('user_id,name', `${ALPHA},Alpha`, `${BETA},Beta`), 'users.csv', SECAS));

      it('records, corrects by User and effective date, exports, and removes', async () => {
        const file = csv(
          'user_id,per_day,effective_from,confirmed_on',
          `${BETA},20,2018-07-16,2018-07-20`,
          `${BETA},60,2018-10-01,2018-09-27`,
          `${ALPHA},100,2018-07-16,2018-07-11`,
        );
        assert.deepEqual(await importAllowances(knex, file, 'allowances.csv', DCC), { rows: 3, added: 3, changed: 0, unchanged: 0 });
        assert.deepEqual(await recordAllowance(knex, { user_id: BETA, per_day: '25', effective_from: '2018-07-16', confirmed_on: '2018-07-20' }, SECAS), {
          rows: 1,
          added: 0,
          changed: 1,
          unchanged: 0,
        });
        assert.deepEqual((await audit(knex, 'allowance.change'))[0], {
          actor: 'sam@example.org',
          entity_id: `${BETA} from 2018-07-16`,
          before: { userId: BETA, perDay: 20, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-20' },
          after: { userId: BETA, perDay: 25, effectiveFrom: '2018-07-16', confirmedOn: '2018-07-20' },
        });
        const exported = await allowancesCsv(knex);
        assert.equal(
          exported,
          `user_id,per_day,effective_from,confirmed_on\r\n${ALPHA},100,2018-07-16,2018-07-11\r\n${BETA},25,2018-07-16,2018-07-20\r\n${BETA},60,2018-10-01,2018-09-27\r\n`,
        );
        assert.deepEqual(await importAllowances(knex, Buffer.from(exported), 'export.csv', DCC), { rows: 3, added: 0, changed: 0, unchanged: 3 });

        await removeAllowance(knex, { user_id: BETA, effective_from: '2018-10-01' }, DCC);
        assert.deepEqual(
          (await listAllowances(knex)).map((a) => [a.userId, a.perDay, a.recordedBy]),
          [
            [ALPHA, 100, 'dana@dcc.example'],
            [BETA, 25, 'sam@example.org'],
          ],
        );
        assert.deepEqual((await audit(knex, 'allowance.remove'))[0]?.before, {
          userId: BETA,
          perDay: 60,
          effectiveFrom: '2018-10-01',
          confirmedOn: '2018-09-27',
        });
      });

      it('refuses a form with every field wrong, naming each field', async () => {
        const refused = await refusal(recordAllowance(knex, { user_id: GAMMA, per_day: 'ten', effective_from: '16/07/2018', confirmed_on: '' }, DCC));
        assert.deepEqual(
          refused.problems.map(([line, field]) => [line, field]),
          [
            [undefined, 'per_day'],
            [undefined, 'effective_from'],
            [undefined, 'confirmed_on'],
          ],
        );
        // Once the fields are right, the unknown User is the problem.
        const unknown = await refusal(recordAllowance(knex, { user_id: GAMMA, per_day: '10', effective_from: '2018-07-16', confirmed_on: '2018-07-16' }, DCC));
        assert.deepEqual(
          unknown.problems.map(([, field]) => field),
          ['user_id'],
        );
        assert.deepEqual(await listAllowances(knex), []);
      });
    });

    describe('bank holidays', () => {
      it('ship England and Wales 2017–2035 with the one-off days, and shipping again adds nothing', async () => {
        const days = await listHolidays(knex);
        assert.equal(days.length, 155);
        const dates = new Set(days.map((d) => d.date));
        for (const date of ['2017-01-02', '2020-05-08', '2020-12-28', '2022-06-02', '2022-06-03', '2022-09-19', '2022-12-27', '2023-05-08', '2035-12-26']) {
          assert.ok(dates.has(date), date);
        }
        // VE day 2020 moved the early May holiday from Mon 4th to Fri 8th; no holiday is on a weekend.
        assert.equal(dates.has('2020-05-04'), false);
        assert.ok(days.every((d) => d.source === 'shipped'));
        await shipBankHolidays(knex);
        assert.equal((await listHolidays(knex)).length, 155);
      });

      it('take days SECAS adds, renames or removes — never a weekend — all audited', async () => {
        await addHoliday(knex, { date: '2027-06-07', name: 'Extra day' }, SECAS);
        await importHolidays(knex, csv('date,name', '2027-06-07,Extra bank holiday', '2022-09-19,State funeral'), 'days.csv', SECAS);
        await removeHoliday(knex, { date: '2017-01-02' }, SECAS);
        const days = await listHolidays(knex);
        assert.deepEqual(
          days.find((d) => d.date === '2027-06-07'),
          { date: '2027-06-07', name: 'Extra bank holiday', source: 'manual' },
        );
        assert.deepEqual(
          days.find((d) => d.date === '2022-09-19'),
          { date: '2022-09-19', name: 'State funeral', source: 'shipped' },
        );
        assert.equal(
          days.some((d) => d.date === '2017-01-02'),
          false,
        );
        assert.deepEqual((await audit(knex, 'holiday.remove'))[0], {
          actor: 'sam@example.org',
          entity_id: '2017-01-02',
          before: { name: "New Year's Day (substitute day)", source: 'shipped' },
          after: null,
        });

        const weekend = await refusal(importHolidays(knex, csv('date,name', '2027-06-05,Saturday', '2027-06-08,Fine'), 'days.csv', SECAS));
        assert.deepEqual(weekend.problems, [[2, 'date', '2027-06-05 is a Saturday; weekends are never Working Days, so only weekdays are listed']]);
        assert.equal(
          (await listHolidays(knex)).some((d) => d.date === '2027-06-08'),
          false,
        );
        assert.match(await holidaysCsv(knex), /^date,name,source\r\n2017-04-14,Good Friday,shipped\r\n/);
      });
    });

    it('keeps the MAP register: upper-cased IDs, add, rename, remove, export', async () => {
      await importMapRegister(knex, csv('map_id,name', 'ab12,Meters R Us', 'ZZ99,Other MAP'), 'maps.csv', SECAS);
      await importMapRegister(knex, csv('map_id,name', 'AB12,Meters R Us Ltd'), 'maps.csv', SECAS);
      await removeMapEntry(knex, { map_id: 'zz99' }, SECAS);
      assert.deepEqual(await listMapRegister(knex), [{ mapId: 'AB12', name: 'Meters R Us Ltd' }]);
      assert.equal(await mapRegisterCsv(knex), 'map_id,name\r\nAB12,Meters R Us Ltd\r\n');
      const refused = await refusal(importMapRegister(knex, csv('map_id,name', 'AB1,Short', 'AB-12,Dash'), 'maps.csv', SECAS));
      assert.deepEqual(
        refused.problems.map(([line, field]) => [line, field]),
        [
          [2, 'map_id'],
          [3, 'map_id'],
        ],
      );
    });

    it('keeps the deadline history: the latest recorded is in force, a repeated decision is not a new one', async () => {
      await setDeadline(knex, { deadline: '2019-03-29', decided_on: '2018-06-20', reason: 'Initial decision' }, SECAS);
      await importDeadlines(
        knex,
        csv('deadline,decided_on,reason', '2019-03-29,2018-06-20,Initial decision', '2019-06-28,2019-01-10,"Extension: Users asked, Panel agreed"'),
        'history.csv',
        SECAS,
      );
      const history = await listDeadlines(knex);
      assert.deepEqual(
        history.map((d) => [d.deadline, d.decidedOn, d.reason, d.recordedBy]),
        [
          ['2019-06-28', '2019-01-10', 'Extension: Users asked, Panel agreed', 'sam@example.org'],
          ['2019-03-29', '2018-06-20', 'Initial decision', 'sam@example.org'],
        ],
      );
      assert.deepEqual((await audit(knex, 'deadline.set'))[1], {
        actor: 'sam@example.org',
        entity_id: '2019-06-28',
        before: { deadline: '2019-03-29', decidedOn: '2018-06-20', reason: 'Initial decision' },
        after: { deadline: '2019-06-28', decidedOn: '2019-01-10', reason: 'Extension: Users asked, Panel agreed' },
      });
      assert.match(await deadlinesCsv(knex), /^deadline,decided_on,reason,recorded_by,recorded_at\r\n2019-03-29,2018-06-20,Initial decision,sam@example\.org,/);
      const refused = await refusal(setDeadline(knex, { deadline: '2019-02-30', decided_on: '2999-01-01', reason: ' ' }, SECAS));
      assert.deepEqual(refused.problems, [
        [undefined, 'deadline', '"2019-02-30" is not a real date written YYYY-MM-DD'],
        [undefined, 'decided_on', '2999-01-01 is in the future; give the date the Panel decided'],
        [undefined, 'reason', 'The reason is empty; it is required'],
      ]);
      assert.equal((await listDeadlines(knex)).length, 2);
    });

    it('changes settings from a form or a file only when every value is right, and exports them', async () => {
      const refused = await refusal(importSettings(knex, csv('key,value', 'rate-window,15', 'time-zone,UTC', 'max-reject-ratio,2'), 'settings.csv', SECAS));
      assert.deepEqual(
        refused.problems.map(([line, field]) => [line, field]),
        [
          [3, 'key'],
          [4, 'value'],
        ],
      );
      assert.equal((await loadSettings(knex)).rateWindow, 10, 'nothing changed');
      assert.deepEqual(await importSettings(knex, csv('key,value', 'Rate-Window,15', 'report-classification,amber'), 'settings.csv', SECAS), {
        rows: 2,
        added: 0,
        changed: 1,
        unchanged: 1,
      });
      assert.equal((await loadSettings(knex)).rateWindow, 15);
      const form = await refusal(changeSettings(knex, { 'rate-window': '12', 'notification-window': 'five' }, SECAS));
      assert.deepEqual(form.problems, [[undefined, 'notification-window', 'The notification window must be a whole number from 1 to 60.']]);
      assert.equal((await loadSettings(knex)).rateWindow, 15, 'the good field is not saved alone');
      assert.match(
        await settingsCsv(knex),
        /^key,value\r\nimplementation-date,2018-06-28\r\nnotification-window,5\r\nconfirmation-window,5\r\nrate-window,15\r\n/,
      );
    });
  });
}
