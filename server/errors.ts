// Typed errors, Ghost-style: every failure a user can cause has a class, a status code and a
// sentence that tells them what happened and what to do. The error middleware renders them.

export interface FieldError {
  field: string;
  message: string;
  /** File line, for errors found while reading an uploaded or imported file. */
  line?: number;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, fields: FieldError[] = []) {
    super(400, 'bad_request', message, fields);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Please log in to continue.') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role does not allow this. Ask a SECAS administrator if you need access.') {
    super(403, 'forbidden', message);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf', 'This form has expired or was not sent from this site. Go back, reload the page and try again.');
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'There is nothing at this address. Check the link, or start again from the overview.') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: FieldError[] = []) {
    super(422, 'invalid', message, fields);
  }
}

export class TooManyRequestsError extends AppError {
  /** Sent as Retry-After, so a script knows how long to wait as well as a person. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, retryAfterSeconds?: number) {
    super(429, 'too_many_requests', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'unavailable', message);
  }
}

/** The database did not answer (down, hung, unreachable) or is too busy; nothing was changed. */
export class DatabaseUnavailableError extends AppError {
  constructor(message = 'The database cannot be reached; try again in a minute. Nothing was changed.') {
    super(503, 'database_unavailable', message);
  }
}

/** A disk the service writes to is full (ENOSPC, SQLITE_FULL): 507 Insufficient Storage. */
export class InsufficientStorageError extends AppError {
  constructor(message: string) {
    super(507, 'insufficient_storage', message);
  }
}

/** A disk or file the service needs cannot be read or written (read-only, I/O error, permissions). */
export class StorageUnavailableError extends AppError {
  constructor(message: string) {
    super(503, 'storage_unavailable', message);
  }
}
