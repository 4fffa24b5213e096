// express-session's store over the sessions table (db/queries/sessions.ts). Every method answers
// through its callback only and never rejects: express-session ignores returned promises, so a
// store that also threw (as connect-session-knex does) left a rejection nobody handled, and a
// database outage ended the process.
import session, { type SessionData } from 'express-session';
import type { Knex } from 'knex';
import { deleteSession, readSession, touchSession, writeSession } from '../../db/queries/sessions.ts';

type Callback = (err?: unknown) => void;

const EIGHT_HOURS = 8 * 60 * 60 * 1000;

function expiryOf(sess: SessionData): Date {
  const expires = sess.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + EIGHT_HOURS);
}

export class DatabaseSessionStore extends session.Store {
  /** `touches(sess)` says whether a request's touch should move the stored expiry (renewal()). */
  constructor(
    private readonly knex: Knex,
    private readonly touches: (sess: SessionData) => boolean = () => true,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    readSession(this.knex, sid).then(
      (json) => {
        let stored: SessionData | null = null;
        try {
          stored = json === undefined ? null : (JSON.parse(json) as SessionData);
        } catch {
          // A row that is not JSON is no session: the visitor starts afresh.
        }
        callback(null, stored);
      },
      (err: unknown) => callback(err),
    );
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    const accountId = typeof sess.accountId === 'number' ? sess.accountId : null;
    writeSession(this.knex, { sid, sess: JSON.stringify(sess), expires: expiryOf(sess), accountId }).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override touch(sid: string, sess: SessionData, callback?: Callback): void {
    if (!this.touches(sess)) {
      callback?.();
      return;
    }
    touchSession(this.knex, sid, expiryOf(sess)).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    deleteSession(this.knex, sid).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }
}
