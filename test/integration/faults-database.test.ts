// The app while its MySQL database fails, on a private MariaDB the test freezes (SIGSTOP) and
// kills (SIGKILL): a logged-in page, the API, /healthz and an upload under way each answer 503
// with Retry-After and a sentence, within seconds; the process never ends; and once the database
// is back everything works again without restarting the app — the same login included — and the
// cut import is on record as failed, its temporary files gone.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '../../db/connection.ts';
import { createApiToken } from '../../server/auth/tokens.ts';
import { importIdOfTemp } from '../../server/snapshots/ingest/archive.ts';
import { addRoleAccounts, loggedInClients } from '../helpers/accounts.ts';
import { SAYS_NOTHING } from '../../server/cli-support.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { privateMariadbSkip, startPrivateMariadb, type PrivateMariadb } from '../helpers/private-mariadb.ts';
import { waitFor } from '../helpers/processes.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

const SENTENCE = 'The database cannot be reached; try again in a minute. Nothing was changed.';
/** The statement and connection timeouts are 5 s: an answer comes well within this. */
const ANSWER_WITHIN_MS = 12_000;
const HEADER = 'device_id,device_type,device_status,responsible_user_id,map_id,prenotified_date\n';

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
  ms: number;
}

async function timed(send: () => Promise<Response | { status: number; headers: Headers; text: string }>): Promise<Answer> {
  const started = Date.now();
  const res = await send();
  const text = res instanceof Response ? await res.text() : res.text;
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text, ms: Date.now() - started };
}

/**
 * An API upload that keeps sending rows, a few a second, until the server answers (or `finish`
 * is called, which ends the body): an import that is under way whenever the test needs one.
 */
function slowUpload(base: string, token: string, asOf: string): { answer: Promise<Answer>; finish(): void } {
  const started = Date.now();
  let finished = false;
  let row = 0;
  const req = request(`${base}/api/v1/snapshots?asOf=${asOf}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      finished = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] ?? null, text, ms: Date.now() - started }));
    });
    // The server closes the connection after answering while the body is still coming.
    req.on('error', (err) => (finished ? undefined : reject(err)));
  });
  req.write(HEADER);
  const send = (): void => {
    if (finished) return;
    row += 1;
    const id = row.toString(16).toUpperCase().padStart(16, '0');
    req.write(`${id},ESME,Commissioned,90B3D51F30010000,,2017-01-01\n`);
    setTimeout(send, 50);
  };
  send();
  return {
    answer,
    finish: () => {
      finished = true;
      req.end();
    },
  };
}

describe('when the MySQL database fails', { skip: privateMariadbSkip }, () => {
  let mariadb: PrivateMariadb;
  let server: TestServer;
  let look: Database;
  let secas: TestClient;
  let token: string;
  const slips: unknown[] = [];
  const noteSlip = (reason: unknown): void => void slips.push(reason);

  before(async () => {
    process.on('unhandledRejection', noteSlip);
    mariadb = await startPrivateMariadb();
    server = await startTestServer(mariadb.url);
    await addRoleAccounts(server.db.knex);
    token = (await createApiToken(server.db.knex, { name: 'faults', role: 'dcc' }, { kind: 'system', name: 'test' })).token;
    secas = (await loggedInClients(server.url)).get('secas')!;
    // The test's own view of the database, apart from the app's pool.
    look = openDatabase(mariadb.url, { logger: SAYS_NOTHING });
  });

  after(async () => {
    process.off('unhandledRejection', noteSlip);
    await look?.close();
    await server?.stop();
    await mariadb?.destroy();
  });

  const api = (p: string): Promise<Response> => fetch(`${server.url}${p}`, { headers: { authorization: `Bearer ${token}` } });

  async function importUnderWay(asOf: string): Promise<{ upload: ReturnType<typeof slowUpload>; importId: number }> {
    const upload = slowUpload(server.url, token, asOf);
    const row = await waitFor(async () => {
      const r = (await look.knex('snapshot_imports').where({ status: 'running', as_of: asOf }).first()) as { id: number; bytes_read: number } | undefined;
      return r && Number(r.bytes_read) > 0 ? r : undefined;
    }, 'the upload to be under way');
    return { upload, importId: Number(row.id) };
  }

  async function everythingAnswers(): Promise<void> {
    await waitFor(async () => ((await fetch(`${server.url}/healthz`)).status === 200 ? true : undefined), '/healthz to answer 200 again', 30_000);
    const page = await secas.get('/');
    assert.equal(page.status, 200, 'the same login still works: no new login needed');
    assert.match(page.text, /secas@example\.org/);
    const list = await api('/api/v1/snapshots');
    assert.equal(list.status, 200);
  }

  async function recordedAsFailed(importId: number): Promise<string> {
    const row = await waitFor(
      async () => {
        const r = (await look.knex('snapshot_imports').where({ id: importId }).first()) as { status: string; errors: string | null } | undefined;
        return r?.status === 'failed' ? r : undefined;
      },
      `import ${importId} to be recorded as failed`,
      30_000,
    );
    const leftovers = readdirSync(path.join(server.dataDir, 'archive', 'tmp')).filter((name) => importIdOfTemp(name) === importId);
    assert.deepEqual(leftovers, [], 'its temporary files are removed');
    return row.errors ?? '';
  }

  it('answers everything in flight with 503 while it hangs, and recovers by itself when it answers again', async () => {
    await everythingAnswers();
    const { upload, importId } = await importUnderWay('2024-01-31');

    mariadb.freeze();
    let answers: Answer[];
    try {
      answers = await Promise.all([
        timed(() => secas.get('/')),
        timed(() => api('/api/v1/snapshots')),
        timed(() => fetch(`${server.url}/healthz`)),
        upload.answer,
      ]);
    } finally {
      mariadb.thaw();
    }
    const [page, list, health, uploaded] = answers;
    for (const [what, answer] of [
      ['logged-in page', page],
      ['API', list],
      ['/healthz', health],
      ['upload', uploaded],
    ] as const) {
      assert.equal(answer!.status, 503, `${what}: ${answer!.text.slice(0, 300)}`);
      assert.equal(answer!.retryAfter, '60', `${what} says when to try again`);
      assert.ok(answer!.text.includes(SENTENCE), `${what} says why: ${answer!.text.slice(0, 300)}`);
    }
    for (const answer of [page!, list!, health!]) assert.ok(answer.ms < ANSWER_WITHIN_MS, `answered in ${answer.ms} ms`);

    await everythingAnswers();
    assert.match(await recordedAsFailed(importId), /The database cannot be reached/);
    assert.equal(Number(((await look.knex('snapshots').count({ n: '*' }).first()) as { n: number }).n), 0, 'nothing of the cut upload was stored');
    assert.deepEqual(slips, [], 'no promise was left unhandled');
  });

  it('answers 503 when it is killed with requests in flight, and recovers by itself when it is started again', async () => {
    await everythingAnswers();
    const { upload, importId } = await importUnderWay('2024-02-29');

    // Frozen first, so that the requests are in flight (waiting on it) when it is killed.
    mariadb.freeze();
    const inFlight = Promise.all([
      timed(() => secas.get('/')),
      timed(() => api('/api/v1/snapshots')),
      timed(() => fetch(`${server.url}/healthz`)),
      upload.answer,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await mariadb.kill();
    const answers = await inFlight;
    for (const answer of answers) {
      assert.equal(answer.status, 503, answer.text.slice(0, 300));
      assert.ok(answer.text.includes(SENTENCE), answer.text.slice(0, 300));
    }

    // While it is down, new requests are refused at once.
    const down = await Promise.all([timed(() => secas.get('/snapshots')), timed(() => api('/api/v1/progress')), timed(() => fetch(`${server.url}/healthz`))]);
    for (const answer of down) {
      assert.equal(answer.status, 503, answer.text.slice(0, 300));
      assert.equal(answer.retryAfter, '60');
      assert.ok(answer.ms < ANSWER_WITHIN_MS, `answered in ${answer.ms} ms`);
    }
    // The command line says the same, and ends.
    const started = Date.now();
    const cli = await runCliInProcess(['progress', '--json'], { env: { DATABASE_URL: mariadb.url, DATA_DIR: server.dataDir } });
    assert.equal(cli.code, 1);
    assert.equal(cli.stderr.trim(), SENTENCE);
    assert.ok(Date.now() - started < ANSWER_WITHIN_MS);

    // A form posted meanwhile changes nothing and says so.
    const form = await secas.postForm('/logout', { _csrf: 'any' });
    assert.ok([403, 503].includes(form.status), `a form while the database is down: ${form.status}`);

    await mariadb.restart();
    await everythingAnswers();
    assert.match(await recordedAsFailed(importId), /database/i);
    assert.deepEqual(slips, [], 'no promise was left unhandled');
  });

  it('takes an upload again once the database is back', async () => {
    await everythingAnswers();
    const { upload } = await importUnderWay('2024-03-31');
    upload.finish();
    const answer = await upload.answer;
    assert.equal(answer.status, 201, answer.text.slice(0, 300));
    const body = JSON.parse(answer.text) as { status: string; rows: number };
    assert.equal(body.status, 'imported');
    assert.ok(body.rows > 0);
  });
});
