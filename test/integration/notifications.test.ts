// Telling people and systems (issue 16): each event's e-mail goes to the right people once, through a
// real SMTP server started here; with the server down the messages wait and go when it is back; two
// senders send each message once; an account that turns an event off gets none; a webhook receiver
// checks each call's signature. On SQLite and MariaDB.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobContext } from '../../jobs/context.ts';
import { dailyChecksJob } from '../../jobs/daily-checks.ts';
import { monthlyReportJob } from '../../jobs/monthly-report.ts';
import { JobRunner } from '../../jobs/runner.ts';
import { tellSecasOfFailure } from '../../jobs/start.ts';
import { addAccount } from '../../server/auth/accounts.ts';
import { parseConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { sendDue, type SenderDeps } from '../../server/notifications/sender.ts';
import { BrowserManager } from '../../server/reports/browser.ts';
import { generateReport } from '../../server/reports/generate-report.ts';
import { publish } from '../../server/reports/publish-report.ts';
import { ingestSnapshot } from '../../server/snapshots/ingest/ingest-snapshot.ts';
import { createViewRenderer } from '../../server/templates/views.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { TestClient } from '../helpers/http-client.ts';
import { seedDeadline, seedSnapshot, seedUsers } from '../helpers/seed.ts';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from '../helpers/smtp.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { file, row } from '../unit/snapshots/scan-helpers.ts';

const ALPHA = '90-B3-D5-1F-30-01-00-0A';
const PASSWORD = 'notifications password 1';
const PUBLIC_URL = 'https://backfill.example.org';
const SYSTEM = { kind: 'system', name: 'test' } as const;
const ARTIFACTS = 'test/artifacts/email';

/** A receiver of webhook calls that keeps each one with its raw body; answers `status()`. */
async function startReceiver(
  status: () => number = () => 200,
): Promise<{ url: string; calls: Array<{ headers: IncomingHttpHeaders; body: string }>; close(): Promise<void> }> {
  const calls: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sha256Hmac(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Keeps each event's e-mail (both parts) under test/artifacts/email/ to look at. */
function keep(mail: ReceivedMail, kind: string): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${mail.event ?? 'unknown'}-${kind}.html`), mail.html);
  writeFileSync(path.join(ARTIFACTS, `${mail.event ?? 'unknown'}-${kind}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
}

for (const kind of databasesFor('sql')) {
  describe(`notifications on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let smtp: TestSmtp;
    let server: TestServer;
    let dataDir: string;
    const logger = createLogger('silent');
    const browser = new BrowserManager(process.env.CHROME_PATH, logger);
    // The senders' clock: now, or later to let a retry's wait pass.
    let ahead = 0;
    const clock = () => new Date(Date.now() + ahead);
    const sender = (instance = 'sender-1', attachmentMaxBytes = 10 * 1024 * 1024): SenderDeps => ({
      knex: t.db.knex,
      logger,
      instance,
      config: { mail: { smtpUrl: smtp.url, from: 'backfill-monitor <noreply@example.org>', attachmentMaxBytes }, publicUrl: PUBLIC_URL },
    });
    const mailsOf = (event: string) => smtp.received.filter((m) => m.event === event);
    const services = () => ({ knex: t.db.knex, views: createViewRenderer(), browser, logger });

    before(async () => {
      t = await kind.create();
      smtp = await startTestSmtp();
      dataDir = mkdtempSync(path.join(tmpdir(), 'bfm-notify-'));
      for (const [email, role] of [
        ['secas@example.org', 'secas'],
        ['secas2@example.org', 'secas'],
        ['panel@example.org', 'panel'],
        ['dcc@example.org', 'dcc'],
      ] as const)
        await addAccount(t.db.knex, { email, role, password: PASSWORD }, SYSTEM);
      await seedUsers(t.db.knex, [{ userId: ALPHA, name: 'Alpha Energy' }]);
      await seedDeadline(t.db.knex, '2027-03-31');
      // Alpha: 2,000 → 4,000 of 10,000 in the 22 WDs of October 2026: 90.9 a WD; 6,000 left, done by
      // early February 2027, before the deadline: GREEN "on track". One User, so RED 0, AMBER 0, GREEN 1.
      await seedSnapshot(t.db.knex, '2026-09-30', { [ALPHA]: { esme: [10_000, 2_000] } });
      await seedSnapshot(t.db.knex, '2026-10-30', { [ALPHA]: { esme: [10_000, 4_000] } });
      server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000', SMTP_URL: smtp.url, PUBLIC_URL });
    });
    after(async () => {
      await browser.close();
      await server?.stop();
      await smtp?.stop();
      await t?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('e-mails a published report to every Panel and SECAS account once, with its PDF, its RAG counts and a link', async () => {
      const { report, pdf } = await generateReport(services(), '2026-10', SYSTEM);
      await publish(t.db.knex, report.id, SYSTEM);
      assert.deepEqual(await sendDue(sender(), clock), { sent: 3, retrying: 0, failed: 0, skipped: 0 });
      assert.deepEqual(await sendDue(sender(), clock), { sent: 0, retrying: 0, failed: 0, skipped: 0 }, 'nothing is sent twice');
      const mails = mailsOf('report.published');
      assert.deepEqual(mails.map((m) => m.to.join()).sort(), ['panel@example.org', 'secas2@example.org', 'secas@example.org']);
      const mail = mails[0]!;
      assert.equal(mail.subject, 'Published: the October 2026 MAP ID backfill report (version 1)');
      assert.match(mail.text, /^Version 1 of the October 2026 MAP ID backfill report is published \(positions as of 30 Oct 2026, \d+ pages\)\./);
      assert.match(mail.text, /Users by status: RED 0, AMBER 0, GREEN 1\./);
      // At the first snapshot Alpha had no rate yet (AMBER, not enough snapshots): now GREEN.
      assert.match(mail.text, /Since the last report \(positions as of 30 Sep 2026\): 1 User changed RAG status\./);
      assert.match(mail.text, new RegExp(`The report: ${PUBLIC_URL}/reports/${report.id}\\.pdf`));
      assert.match(mail.html, /<strong style="color:#b10e1e;">RED 0<\/strong>/);
      assert.deepEqual(mail.attachments, [{ filename: 'backfill-report-2026-10-v1.pdf', contentType: 'application/pdf', size: pdf.length }]);
      keep(mail, 'attached');
    });

    it('sends a copy again on request, without the PDF when it is over the attachment limit', async () => {
      const secas = new TestClient(server.url);
      await secas.login('secas@example.org', PASSWORD);
      const page = await secas.get('/notifications');
      assert.equal(page.status, 200);
      assert.match(page.text, /<span class="status status-sent">sent<\/span> 3/);
      const first = await t.db.knex('notification_outbox').where({ event: 'report.published', recipient: 'panel@example.org' }).first();
      const resent = await secas.postForm(`/notifications/${first.id}/resend`, { _csrf: await secas.csrfToken('/notifications') });
      assert.equal(resent.status, 303);
      assert.equal((await sendDue(sender('sender-1', 1000), clock)).sent, 1);
      const copy = mailsOf('report.published').at(-1)!;
      assert.deepEqual(copy.to, ['panel@example.org']);
      assert.deepEqual(copy.attachments, []);
      assert.match(copy.text, /The PDF is larger than the attachment limit; download it from the link below\./);
      assert.notEqual(copy.messageId, mailsOf('report.published')[0]!.messageId, 'a new message, not the old one again');
      keep(copy, 'too-large');
    });

    it('tells the uploading DCC account its file was imported, and it and SECAS that one was refused, with lines', async () => {
      const dcc = { kind: 'account', name: 'dcc@example.org' } as const;
      const imported = await ingestSnapshot(
        { knex: t.db.knex, dataDir },
        {
          source: 'web',
          fileName: 'smi-2026-11-13.csv',
          actor: dcc,
          bytes: { kind: 'stream', chunks: [Buffer.from(file(row(1), row(2), row(3, { map_id: 'AB12' })))] },
        },
      );
      assert.equal(imported.status, 'imported');
      // Two of three rows rejected (a device ID that is no EUI-64, a date that does not exist): far more than 0.1 %.
      const refused = await ingestSnapshot(
        { knex: t.db.knex, dataDir },
        {
          source: 'web',
          fileName: 'smi-2026-11-14.csv',
          actor: dcc,
          bytes: { kind: 'stream', chunks: [Buffer.from(file(row(1), row(2, { device_id: 'NOT-AN-ID' }), row(3, { prenotified_date: '2019-02-30' })))] },
        },
      );
      assert.equal(refused.status, 'failed');
      await sendDue(sender(), clock);
      const importedMails = mailsOf('snapshot.imported');
      assert.deepEqual(
        importedMails.map((m) => m.to.join()),
        ['dcc@example.org'],
      );
      assert.equal(importedMails[0]!.subject, 'Imported: smi-2026-11-13.csv (as of 2026-11-13)');
      assert.match(importedMails[0]!.text, /Rows: 3; accepted 3; rejected 0\./);
      keep(importedMails[0]!, 'dcc');
      const refusedMails = mailsOf('snapshot.refused');
      assert.deepEqual(refusedMails.map((m) => m.to.join()).sort(), ['dcc@example.org', 'secas2@example.org', 'secas@example.org']);
      assert.match(refusedMails[0]!.text, /The snapshot smi-2026-11-14\.csv uploaded by dcc@example\.org was refused\. Nothing of it was stored\./);
      assert.match(refusedMails[0]!.text, /- line 3: .*NOT-AN-ID/);
      assert.match(refusedMails[0]!.text, /- line 4: .*2019-02-30/);
      keep(refusedMails[0]!, 'dcc');
    });

    it('keeps the messages while SMTP is down and sends them, once, when it is back', async () => {
      await smtp.stop();
      const before = smtp.received.length;
      const { report } = await generateReport(services(), '2026-09', SYSTEM);
      await publish(t.db.knex, report.id, SYSTEM);
      assert.deepEqual(await sendDue(sender(), clock), { sent: 0, retrying: 3, failed: 0, skipped: 0 });
      const waiting = await t.db.knex('notification_outbox').where({ status: 'pending' });
      assert.equal(waiting.length, 3);
      assert.ok(
        waiting.every((m) => m.attempts === 1 && /ECONNREFUSED|connect/i.test(m.last_error)),
        JSON.stringify(waiting.map((m) => m.last_error)),
      );
      // Not before its wait (30 s after the first failure) is over, even with the server back.
      await smtp.start();
      assert.equal((await sendDue(sender(), clock)).sent, 0);
      ahead += 31_000;
      assert.deepEqual(await sendDue(sender(), clock), { sent: 3, retrying: 0, failed: 0, skipped: 0 });
      assert.equal(smtp.received.length, before + 3);
      assert.deepEqual(
        (await t.db.knex('notification_outbox').where({ status: 'sent', event: 'report.published' }).whereNot({ recipient: 'panel@example.org' })).length,
        4,
      );
    });

    it('sends each message once when two instances send at the same time', async () => {
      const before = smtp.received.length;
      const runner = new JobRunner<JobContext>(
        { db: t.db, knex: t.db.knex, config: parseConfig({ DATABASE_URL: t.url }), logger, browser },
        [
          {
            name: 'always-fails',
            schedule: '0 0 * * *',
            maxAttempts: 1,
            keyAt: () => 'x',
            run: () => Promise.reject(new Error('the disk is on fire')),
            missed: () => Promise.resolve([]),
          },
        ],
        { clock, onGaveUp: tellSecasOfFailure },
      );
      // Twelve failures after their last attempt: 24 e-mails to the two SECAS accounts.
      for (let i = 0; i < 12; i++) assert.equal((await runner.run(runner.definition('always-fails'), `key-${i}`)).state, 'failed');
      const [a, b] = await Promise.all([sendDue(sender('instance-a'), clock), sendDue(sender('instance-b'), clock)]);
      assert.equal(a.sent + b.sent, 24);
      const sent = smtp.received.slice(before);
      assert.equal(sent.length, 24);
      assert.equal(new Set(sent.map((m) => m.messageId)).size, 24, 'no message twice');
      assert.equal(sent[0]!.subject.startsWith('Job failed: always-fails (key-'), true);
      assert.match(sent[0]!.text, /failed \(tried once\) and will not be tried again by itself\.\s+The last error: the disk is on fire/);
      keep(sent[0]!, 'secas');
      const claimedBy = await t.db.knex('notification_outbox').where({ event: 'job.failed' }).distinct('claimed_by');
      assert.ok(claimedBy.length >= 1);
    });

    it('tells SECAS of a scheduled draft (stale or not), a draft that failed, and the daily digest of Users turned RED', async () => {
      const ctx: JobContext = { db: t.db, knex: t.db.knex, config: parseConfig({ DATABASE_URL: t.url }), logger, browser };
      // November 2026: the newest snapshot is 13 Nov's, 11 WDs before the month's end (16–30 Nov): fresh.
      await monthlyReportJob().run(ctx, 'report:2026-11', new AbortController().signal);
      // The scheduler's draft of December: nothing since November's report (which was not
      // published: compared with positions at the end of November, 13 Nov again), and 13 Nov is 32
      // WDs before 31 Dec (11 in November; 21 in December, 25 and 28 Dec being holidays) — stale.
      await monthlyReportJob().run(ctx, 'report:2026-12', new AbortController().signal);
      const failing = new JobRunner<JobContext>(
        ctx,
        [{ ...monthlyReportJob(), maxAttempts: 1, run: () => Promise.reject(new Error('Chromium could not start')) }],
        {
          clock,
          onGaveUp: tellSecasOfFailure,
        },
      );
      await failing.run(failing.definition('monthly-report'), 'report:2027-01');
      // The first daily check has nothing before it: Alpha's standing flag (no declaration) is news.
      // Then the Panel sets the deadline to 13 Nov, the newest snapshot's date: Alpha is RED, "deadline missed".
      // Through a runner, which keeps each check's findings for the next to compare with.
      const daily = new JobRunner<JobContext>(ctx, [dailyChecksJob()], { clock });
      assert.equal((await daily.run(daily.definition('daily-checks'), 'checks:2026-12-01')).state, 'succeeded');
      await seedDeadline(t.db.knex, '2026-11-13');
      assert.equal((await daily.run(daily.definition('daily-checks'), 'checks:2026-12-02')).state, 'succeeded');
      await sendDue(sender(), clock);
      const drafted = mailsOf('report.drafted');
      assert.deepEqual(drafted.map((m) => [m.to.join(), m.subject]).sort(), [
        ['secas2@example.org', 'Draft ready, stale data: the December 2026 report (version 1)'],
        ['secas2@example.org', 'Draft ready: the November 2026 report (version 1)'],
        ['secas@example.org', 'Draft ready, stale data: the December 2026 report (version 1)'],
        ['secas@example.org', 'Draft ready: the November 2026 report (version 1)'],
      ]);
      const stale = drafted.find((m) => m.subject.includes('December'))!;
      assert.match(
        stale.text,
        /Stale data: No snapshot has arrived since the last report\. The newest snapshot, as of 13 Nov 2026, is 32 Working Days older than the end of December 2026\./,
      );
      keep(stale, 'stale');
      const failed = mailsOf('report.draft-failed');
      assert.deepEqual(
        failed.map((m) => m.subject),
        ['The January 2027 report could not be drafted', 'The January 2027 report could not be drafted'],
      );
      assert.match(failed[0]!.text, /The last error: Chromium could not start/);
      keep(failed[0]!, 'secas');
      const digests = mailsOf('daily.digest');
      assert.deepEqual(
        digests.map((m) => `${m.to.join()} ${m.subject}`).sort(),
        [
          'secas2@example.org Daily check 2026-12-01: 0 turned RED, 1 new flag(s)',
          'secas2@example.org Daily check 2026-12-02: 1 turned RED, 0 new flag(s)',
          'secas@example.org Daily check 2026-12-01: 0 turned RED, 1 new flag(s)',
          'secas@example.org Daily check 2026-12-02: 1 turned RED, 0 new flag(s)',
        ],
        'one digest a day to each SECAS account',
      );
      assert.match(
        digests.find((m) => m.subject.includes('12-01'))!.text,
        /Compliance flags raised:\s+- Alpha Energy \(90-B3-D5-1F-30-01-00-0A\): NOTIFICATION_MISSING/,
      );
      const red = digests.find((m) => m.subject.includes('12-02'))!;
      assert.match(red.text, /Turned RED since the last check:\s+- Alpha Energy \(90-B3-D5-1F-30-01-00-0A\): deadline missed/);
      assert.doesNotMatch(red.text, /Compliance flags raised/);
      keep(red, 'secas');
    });

    it('sends nothing of an event an account turned off on its account page', async () => {
      const panel = new TestClient(server.url);
      await panel.login('panel@example.org', PASSWORD);
      const page = await panel.get('/account');
      assert.match(page.text, /<input type="checkbox" id="event-report.published" name="event" value="report.published" checked>/);
      assert.doesNotMatch(page.text, /report\.drafted/, 'the Panel is offered only what it can be sent');
      const saved = await panel.postForm('/account/notifications', { _csrf: await panel.csrfToken('/account') });
      assert.equal(saved.status, 303);
      assert.doesNotMatch((await panel.get('/account')).text, /value="report.published" checked/);
      const before = mailsOf('report.published').length;
      const { report } = await generateReport(services(), '2026-11', SYSTEM);
      await publish(t.db.knex, report.id, SYSTEM);
      await sendDue(sender(), clock);
      const sent = mailsOf('report.published').slice(before);
      assert.deepEqual(sent.map((m) => m.to.join()).sort(), ['secas2@example.org', 'secas@example.org']);
    });

    it('calls a registered webhook with a signed body, retries it when it fails, and tests it from the page', async () => {
      let answer = 500;
      const receiver = await startReceiver(() => answer);
      try {
        const secas = new TestClient(server.url);
        await secas.login('secas@example.org', PASSWORD);
        const added = await secas.request('POST', '/notifications/webhooks', {
          body: new URLSearchParams([
            ['_csrf', await secas.csrfToken('/notifications')],
            ['url', receiver.url],
            ['event', 'report.published'],
            ['event', 'snapshot.refused'],
          ]),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(added.status, 200);
        const secret = /<code class="secret" id="secret">(whsec_[\w-]+)<\/code>/.exec(added.text)![1]!;
        const { report } = await generateReport(services(), '2026-12', SYSTEM);
        await publish(t.db.knex, report.id, SYSTEM);
        await sendDue(sender(), clock);
        assert.equal(receiver.calls.length, 1);
        assert.equal((await t.db.knex('notification_outbox').where({ channel: 'webhook' }).first()).status, 'pending', 'a 500 is tried again');
        answer = 200;
        ahead += 31_000;
        await sendDue(sender(), clock);
        assert.equal(receiver.calls.length, 2);
        const call = receiver.calls[1]!;
        assert.equal(call.headers['x-backfill-signature'], sha256Hmac(secret, call.body), 'signed with the secret shown once');
        assert.notEqual(call.headers['x-backfill-signature'], sha256Hmac('another secret', call.body));
        assert.equal(call.headers['x-backfill-event'], 'report.published');
        const body = JSON.parse(call.body) as { event: string; data: { month: string; version: number; ragCounts: Record<string, number> } };
        assert.equal(body.event, 'report.published');
        // December's second version (the scheduler drafted the first): Alpha RED since the deadline of 13 Nov.
        assert.deepEqual([body.data.month, body.data.version, body.data.ragCounts], ['2026-12', 2, { RED: 1, AMBER: 0, GREEN: 0 }]);
        const hook = await t.db.knex('webhooks').first();
        const tested = await secas.postForm(`/notifications/webhooks/${hook.id}/test`, { _csrf: await secas.csrfToken('/notifications') });
        assert.equal(tested.status, 303);
        const ping = receiver.calls.at(-1)!;
        assert.equal(ping.headers['x-backfill-event'], 'ping');
        assert.equal(ping.headers['x-backfill-signature'], sha256Hmac(secret, ping.body));
        assert.match((await secas.get('/notifications')).text, /The test call to http:\/\/127\.0\.0\.1:\d+\/hook answered 200: it works\./);
      } finally {
        await receiver.close();
      }
    });
  });
}

describe('without SMTP_URL', () => {
  it('sends no e-mail, records each as not sent, and Settings says so', async () => {
    const [kind] = databasesFor('not-sql');
    const t = await kind!.create();
    const server = await startTestServer(t.url, { LOGIN_RATE_LIMIT: '1000' });
    try {
      await addAccount(t.db.knex, { email: 'secas@example.org', role: 'secas', password: PASSWORD }, SYSTEM);
      const deps: SenderDeps = {
        knex: t.db.knex,
        logger: createLogger('silent'),
        instance: 'x',
        config: { mail: { smtpUrl: null, from: 'a@example.org', attachmentMaxBytes: 0 }, publicUrl: null },
      };
      await tellSecasOfFailure(t.db.knex, { job: 'inbox', key: 'inbox:1', attempts: 3, error: 'boom' });
      assert.deepEqual(await sendDue(deps), { sent: 0, retrying: 0, failed: 0, skipped: 1 });
      const row = await t.db.knex('notification_outbox').first();
      assert.deepEqual([row.status, row.last_error], ['skipped', 'E-mail is off: SMTP_URL is not set.']);
      const secas = new TestClient(server.url);
      await secas.login('secas@example.org', PASSWORD);
      assert.match((await secas.get('/settings')).text, /<strong>E-mail is off:<\/strong> SMTP_URL is not set, so no e-mail is sent\./);
    } finally {
      await server.stop();
      await t.drop();
    }
  });
});
