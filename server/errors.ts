// Typed errors, Ghost-style: every failure a user can cause has a class, a code and a sentence that
// tells them what happened and what to do. Services throw them knowing nothing of HTTP; the web
// app's error middleware gives each code its status (server/http/error-status.ts), the CLI prints
// the sentence.

export interface FieldError {
  field: string;
  message: string;
  /** File line, for errors found while reading an uploaded or imported file. */
  line?: number;
}

/** What kind of failure it is; also the `code` of an API error response. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid'
  | 'no_snapshot'
  | 'too_many_requests'
  | 'unavailable'
  | 'database_unavailable'
  | 'insufficient_storage'
  | 'storage_unavailable';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[];

  constructor(code: ErrorCode, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.fields = fields;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, fields: FieldError[] = []) {
    super('bad_request', message, fields);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Please log in to continue.') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this. Ask a SECAS administrator if you need access.') {
    super('forbidden', message);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super('csrf', 'This form has expired or was not sent from this site. Go back, reload the page and try again.');
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'There is nothing at this address. Check the link, or start again from the overview.') {
    super('not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: FieldError[] = []) {
    super('invalid', message, fields);
  }
}

export class TooManyRequestsError extends AppError {
  /** Sent as Retry-After, so a script knows how long to wait as well as a person. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, retryAfterSeconds?: number) {
    super('too_many_requests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

/** The database did not answer (down, hung, unreachable) or is too busy; nothing was changed. */
export class DatabaseUnavailableError extends AppError {
  constructor(message = 'The database cannot be reached; try again in a minute. Nothing was changed.') {
    super('database_unavailable', message);
  }
}

/** A disk the service writes to is full (ENOSPC, SQLITE_FULL): 507 Insufficient Storage. */
export class InsufficientStorageError extends AppError {
  constructor(message: string) {
    super('insufficient_storage', message);
  }
}

/** A disk or file the service needs cannot be read or written (read-only, I/O error, permissions). */
export class StorageUnavailableError extends AppError {
  constructor(message: string) {
    super('storage_unavailable', message);
  }
}
