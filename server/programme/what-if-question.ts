// The what-if question as the deadline page's form and `backfill deadline what-if` ask it: a
// proposed deadline and, optionally, a multiplier for every allowance ("what if everyone got ×1.5?").
// Both read it here, so a mistake gets the same sentence wherever it is made.
import { ValidationError, type FieldError } from '../errors.ts';
import { dateRule, invalid, shown, valid, type Checked } from './field-rules.ts';

/** A multiplier as the engine takes it (hundredths, so that the scaling stays whole-number arithmetic) and as people write it. */
export interface AllowanceFactor {
  percent: number;
  /** As shown back: "1.5", "2", "0.75". */
  text: string;
}

const FACTOR_HINT = 'write a number above 0 and at most 100, with at most two decimals, e.g. 1.5';

/** "1.5", "×1.5", "1.5x" or "2": every allowance at that many times itself. */
export function factorRule(raw: string): Checked<AllowanceFactor> {
  const bare = raw.replace(/^[×xX]\s*|\s*[×xX]$/g, '');
  const parts = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(bare);
  if (!parts) return invalid(`${shown(raw)} is not a multiplier: ${FACTOR_HINT}`);
  const whole = String(Number(parts[1]));
  const decimals = (parts[2] ?? '').replace(/0+$/, '');
  const percent = Number(`${whole}${decimals.padEnd(2, '0')}`);
  if (percent === 0) return invalid(`${shown(raw)} would take every allowance away: ${FACTOR_HINT}`);
  if (percent > 10_000) return invalid(`${shown(raw)} is more than 100: ${FACTOR_HINT}`);
  return valid({ percent, text: decimals ? `${whole}.${decimals}` : whole });
}

export interface WhatIfQuestion {
  /** The deadline to try: the proposed one, or the one in force when only the allowances are tried. */
  deadline: string;
  /** True when the deadline is the one asked for, false when it is the one in force. */
  proposed: boolean;
  factor: AllowanceFactor | null;
}

export interface WhatIfAsked {
  /** Null when nothing is asked, or when what was asked is wrong (then `errors` say why, by field). */
  question: WhatIfQuestion | null;
  errors: FieldError[];
  /** What was typed, to show back in the form. */
  typed: { proposed: string; factor: string };
}

const text = (raw: unknown): string => (typeof raw === 'string' ? raw.trim() : '');

/**
 * Reads the form's `proposed` and `factor`. Either alone is a question: a multiplier without a
 * date tries the allowances against the deadline in force — and needs one.
 */
export function readWhatIfQuestion(raw: { proposed?: unknown; factor?: unknown }, deadlineInForce: string | null): WhatIfAsked {
  const typed = { proposed: text(raw.proposed), factor: text(raw.factor) };
  const errors: FieldError[] = [];
  const date = typed.proposed === '' ? null : dateRule(typed.proposed);
  const factor = typed.factor === '' ? null : factorRule(typed.factor);
  if (date && !date.ok) errors.push({ field: 'proposed', message: date.error });
  if (factor && !factor.ok) errors.push({ field: 'factor', message: factor.error });
  if (!date && factor?.ok && deadlineInForce === null) {
    errors.push({ field: 'proposed', message: 'no deadline is in force to try the allowances against: give a proposed deadline, YYYY-MM-DD' });
  }
  if (errors.length > 0 || (!date && !factor)) return { question: null, errors, typed };
  return {
    question: {
      deadline: date?.ok ? date.value : deadlineInForce!,
      proposed: Boolean(date?.ok),
      factor: factor?.ok ? factor.value : null,
    },
    errors,
    typed,
  };
}

/** The refusal of a wrong what-if, naming each field: null when nothing is wrong. */
export function whatIfRefusal(asked: WhatIfAsked): ValidationError | null {
  const [first, second] = asked.errors;
  if (!first) return null;
  return new ValidationError(second ? 'Both fields of the what-if need correcting.' : first.message, asked.errors);
}
