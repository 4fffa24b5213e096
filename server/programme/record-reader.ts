// Reads a record of raw fields (a CSV row or a submitted form) through one rule per field, and
// collects every problem — field, sentence and, for a file, its line — instead of stopping at the first.
import type { FieldError } from '../errors.ts';
import type { Rule } from './field-rules.ts';

export type Rules = Record<string, Rule<unknown>>;
export type ValuesOf<R extends Rules> = { [K in keyof R]: R[K] extends Rule<infer T> ? T : never };

export type ReadResult<R extends Rules> = { ok: true; value: ValuesOf<R> } | { ok: false; errors: FieldError[] };

/** Each field is trimmed of surrounding spaces before its rule sees it; a missing field reads as empty. */
export function readRecord<R extends Rules>(raw: Readonly<Record<string, unknown>>, rules: R, line?: number): ReadResult<R> {
  const value: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    const given = raw[field];
    const checked = rule(typeof given === 'string' ? given.trim() : '');
    if (checked.ok) value[field] = checked.value;
    else errors.push(line === undefined ? { field, message: checked.error } : { field, message: checked.error, line });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as ValuesOf<R> };
}
