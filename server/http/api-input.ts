// Reads what a system sent to /api/v1 through the zod schema that describes it (api-schemas.ts),
// turning a mismatch into the API's 422: each problem with its field, and for a record of a JSON
// array its position (from 1) as its line, as the CSV imports give a row's line.
import type { z, ZodIssue, ZodTypeAny } from 'zod';
import { ValidationError, type FieldError } from '../errors.ts';

export function fieldErrorsOf(issues: readonly ZodIssue[]): FieldError[] {
  return issues.map((issue) => {
    const [first, ...rest] = issue.path;
    const record = typeof first === 'number' ? first + 1 : undefined;
    const path = (record === undefined ? issue.path : rest).join('.');
    const field = path || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
    return record === undefined ? { field, message: issue.message } : { field, message: issue.message, line: record };
  });
}

/** The value as the schema reads it, or a ValidationError saying (with `message`) what did not match. */
export function parseInput<S extends ZodTypeAny>(schema: S, value: unknown, message: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(message, fieldErrorsOf(parsed.error.issues));
  return parsed.data as z.output<S>;
}
