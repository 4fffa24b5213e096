// The HTTP status each kind of failure is answered with (the error middleware, and pages that show
// a refused form again with its problems).
import type { AppError, ErrorCode } from '../errors.ts';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  no_snapshot: 422,
  too_many_requests: 429,
  unavailable: 503,
  database_unavailable: 503,
  storage_unavailable: 503,
  insufficient_storage: 507,
};

export function statusOf(err: AppError): number {
  return STATUS[err.code];
}
