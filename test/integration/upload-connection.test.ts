// What a client still sending a refused upload sees: the server's answer, then a connection closed
// in good order — never a reset in the middle of its writes (EPIPE) that hides the reason. The
// server answers early (413 past UPLOAD_MAX_BYTES), closes its side, and keeps reading for a while
// (a lingering close), but not for ever: a client that goes on sending is cut off after LINGER_MS.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../server/auth/tokens.ts';
import { LINGER_MS } from '../../server/snapshots/http-upload.ts';
import { databasesFor, type TestDatabase } from '../helpers/databases.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { HEADER, row } from '../unit/snapshots/scan-helpers.ts';

const LIMIT = 100_000;

/** A chunk of snapshot rows in HTTP chunked framing: ~60 KB, so two pass the limit. */
const BODY = Buffer.from([HEADER, ...Array.from({ length: 1500 }, (_, i) => row(1000 + i))].join('\n') + '\n');
const CHUNK = Buffer.concat([Buffer.from(`${BODY.length.toString(16)}\r\n`), BODY, Buffer.from('\r\n')]);

interface Watched {
  socket: Socket;
  /** Everything the server sent, as text. */
  received(): string;
  /** The first error the socket met (EPIPE, ECONNRESET), if any. */
  error(): Error | null;
  /** Resolves when the connection is closed. */
  closed: Promise<void>;
  /** Writes a chunk every 10 ms until `stop` is called or the connection breaks; counts the writes that went out. */
  keepSending(): { stop(): void; written(): number };
}

function openUpload(port: number, token: string): Watched {
  // Half-open allowed: like a client busy sending, it does not stop writing when the server's FIN arrives.
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  let text = '';
  let failure: Error | null = null;
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (text += d));
  socket.on('error', (err) => (failure ??= err));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    `POST /api/v1/snapshots?asOf=2024-05-31 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
      'Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n',
  );
  return {
    socket,
    received: () => text,
    error: () => failure,
    closed,
    keepSending() {
      let written = 0;
      let stopped = false;
      const send = (): void => {
        if (stopped || socket.destroyed || !socket.writable) return;
        socket.write(CHUNK, (err) => {
          if (!err) written += 1;
        });
        setTimeout(send, 10);
      };
      send();
      return {
        stop: () => void (stopped = true),
        written: () => written,
      };
    },
  };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const kind of databasesFor('not-sql')) {
  describe(`a refused upload's connection, on ${kind.name}`, { skip: kind.skip }, () => {
    let t: TestDatabase;
    let server: TestServer;
    let token: string;

    before(async () => {
      t = await kind.create();
      token = (await createApiToken(t.db.knex, { name: 'dcc system', role: 'dcc' }, { kind: 'system', name: 'test' })).token;
      server = await startTestServer(t.url, { UPLOAD_MAX_BYTES: String(LIMIT) });
    });
    after(async () => {
      await server?.stop();
      await t?.drop();
    });

    it('keeps reading while the client still sends, so the client reads the 413 and its reason, not a reset', async () => {
      const upload = openUpload(server.port, token);
      const sending = upload.keepSending();
      await until('the answer', () => /\r\n\r\n.*larger than the 97\.7 KiB/s.test(upload.received()));
      assert.match(upload.received(), /^HTTP\/1\.1 413 /);
      assert.match(upload.received(), /\r\nConnection: close\r\n/i);
      // Half a second more of writes after the answer: each goes out, none is reset.
      const writtenAtAnswer = sending.written();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(upload.error(), null, 'no write was refused while the server lingered');
      assert.ok(sending.written() > writtenAtAnswer + 10, `the client kept sending (${sending.written() - writtenAtAnswer} more chunks)`);
      sending.stop();
      upload.socket.destroy();
    });

    it('cuts off a client that goes on sending once LINGER_MS have passed', async () => {
      const upload = openUpload(server.port, token);
      const sending = upload.keepSending();
      await until('the answer', () => upload.received().startsWith('HTTP/1.1 413 '));
      const answeredAt = Date.now();
      await upload.closed;
      const lingered = Date.now() - answeredAt;
      sending.stop();
      assert.ok(lingered >= LINGER_MS - 200, `the server read on for ${lingered} ms before closing (at least ${LINGER_MS})`);
      assert.ok(lingered < LINGER_MS + 3000, `the server closed ${lingered} ms after answering (not much more than ${LINGER_MS})`);
    });

    it('closes at once when the client stops sending after the answer', async () => {
      const upload = openUpload(server.port, token);
      upload.socket.write(CHUNK);
      upload.socket.write(CHUNK);
      await until('the answer', () => upload.received().startsWith('HTTP/1.1 413 '));
      const answeredAt = Date.now();
      upload.socket.end();
      await upload.closed;
      assert.ok(Date.now() - answeredAt < LINGER_MS / 2, `closed ${Date.now() - answeredAt} ms after the client's last byte`);
      assert.equal(upload.error(), null);
    });
  });
}
