// What Express requests carry in this app.
import type { Principal } from '../auth/roles.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the identify middleware when a session or bearer token names someone. */
    principal?: Principal;
  }
}

declare module 'express-session' {
  interface SessionData {
    accountId?: number;
    /** One-shot message shown on the next page (e.g. "You have been logged out"). */
    flash?: string;
  }
}

export {};
