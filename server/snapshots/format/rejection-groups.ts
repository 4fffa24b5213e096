// Rejected rows counted by reason, so that whoever fixes the extract sees "335 × prenotified_date:
// not a real date in the form YYYY-MM-DD" with its first rows, not a list of a million lines.
// Pure: the reasons are the sentences row-problems.ts and row-rules.ts write, read back here into
// field, value and rule (the rule is the group; the value is what differs from row to row).
import { REQUIRED_COLUMNS } from './header.ts';

/** One problem of a rejected row: a row breaking two field rules has two. */
export interface RowProblem {
  /** The column, or '' for the row as a whole (its number of fields). */
  field: string;
  /** What the field held, as in the file; null when the reason does not quote it. */
  value: string | null;
  /** The problem without the value: what rows of one group share, e.g. "is not a real date in the form YYYY-MM-DD". */
  rule: string;
  /** The problem as one phrase for a CSV row: the rule, with what only this row has (the line a duplicate repeats). */
  reason: string;
}

export interface RejectionExample {
  line: number;
  field: string;
  value: string | null;
}

export interface RejectionGroup {
  field: string;
  rule: string;
  /** Rows with this problem (a row with two problems is in two groups). */
  rows: number;
  /** The group's first rows by line, at most EXAMPLES_PER_GROUP. */
  examples: RejectionExample[];
}

export const EXAMPLES_PER_GROUP = 3;
/** Reasons are the scanner's fixed sentences, so a handful of groups is usual; past this the rest are one group. */
export const MAX_GROUPS = 60;
const OTHER_RULE = 'other problems (see the CSV)';

// A field's problem: `name "value" rule`, `name is empty`, `name is longer than N bytes`; several
// are joined by "; ". The value is JSON-quoted (showValue), so a "; " inside it is skipped with it.
const FIELD_NAME = new RegExp(`(?:${REQUIRED_COLUMNS.join('|')}) `, 'y');
const DUPLICATE = /^duplicate device_id (\S+), first at line (\d+)$/;
const FIELD_COUNT = /^the row has (\d+) fields?, the header (\d+)$/;

/** The problems a stored reason names, in the order it names them. */
export function problemsOf(reason: string): RowProblem[] {
  const duplicate = DUPLICATE.exec(reason);
  if (duplicate) {
    return [{ field: 'device_id', value: duplicate[1]!, rule: 'repeats the device_id of an earlier row', reason: `duplicate, first at line ${duplicate[2]!}` }];
  }
  const count = FIELD_COUNT.exec(reason);
  if (count) {
    return [{ field: '', value: `${count[1]!} fields`, rule: `the row does not have the header's ${count[2]!} fields`, reason }];
  }
  const problems: RowProblem[] = [];
  let at = 0;
  while (at < reason.length) {
    FIELD_NAME.lastIndex = at;
    if (!FIELD_NAME.test(reason)) return problems.length === 0 ? [unknown(reason)] : [...problems, unknown(reason.slice(at))];
    const field = reason.slice(at, FIELD_NAME.lastIndex - 1);
    at = FIELD_NAME.lastIndex;
    let value: string | null = null;
    if (reason.charCodeAt(at) === QUOTE) {
      const end = closingQuote(reason, at);
      if (end < 0) return [...problems, unknown(reason.slice(at))];
      value = unquote(reason.slice(at, end + 1));
      at = end + 2;
    }
    const next = reason.indexOf('; ', at);
    const stop = next < 0 ? reason.length : next;
    const rule = reason.slice(at, stop).trim() || 'is not valid';
    if (value === null && rule === 'is empty') value = '';
    problems.push({ field, value, rule, reason: rule });
    at = next < 0 ? reason.length : next + 2;
  }
  return problems.length > 0 ? problems : [unknown(reason)];
}

const QUOTE = 34;
const BACKSLASH = 92;

/** Where the JSON string starting at `start` closes, or −1. */
function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

function unknown(reason: string): RowProblem {
  return { field: '', value: null, rule: reason, reason };
}

function unquote(json: string): string {
  try {
    return JSON.parse(json) as string;
  } catch {
    return json;
  }
}

/**
 * Counts rejected rows by problem as they come (in any order of lines): per group its rows and its
 * first rows by line. Memory is bounded by MAX_GROUPS × EXAMPLES_PER_GROUP whatever the rows.
 */
export class RejectionTally {
  private readonly byKey = new Map<string, RejectionGroup>();

  add(line: number, reason: string): void {
    const problems = problemsOf(reason);
    let counted: RejectionGroup[] | null = null;
    for (const problem of problems) {
      const group = this.groupFor(problem);
      // A row naming one problem twice (or two that fall in "other") counts once in its group.
      if (counted?.includes(group)) continue;
      if (problems.length > 1) (counted ??= []).push(group);
      group.rows++;
      keepExample(group.examples, { line, field: problem.field, value: problem.value });
    }
  }

  /** Most rows first; equal counts by their first line. */
  groups(): RejectionGroup[] {
    return [...this.byKey.values()]
      .map((g) => ({ ...g, examples: g.examples.slice() }))
      .sort((a, b) => b.rows - a.rows || (a.examples[0]?.line ?? 0) - (b.examples[0]?.line ?? 0));
  }

  private groupFor(problem: RowProblem): RejectionGroup {
    let key = keyOf(problem);
    if (!this.byKey.has(key) && this.byKey.size >= MAX_GROUPS - 1) key = keyOf({ field: '', rule: OTHER_RULE });
    let group = this.byKey.get(key);
    if (!group) {
      const other = key === keyOf({ field: '', rule: OTHER_RULE });
      group = { field: other ? '' : problem.field, rule: other ? OTHER_RULE : problem.rule, rows: 0, examples: [] };
      this.byKey.set(key, group);
    }
    return group;
  }
}

function keyOf(group: { field: string; rule: string }): string {
  return `${group.field}\u0000${group.rule}`;
}

/** Keeps the EXAMPLES_PER_GROUP smallest lines, in order. */
function keepExample(examples: RejectionExample[], example: RejectionExample): void {
  if (examples.length === EXAMPLES_PER_GROUP && example.line >= examples[examples.length - 1]!.line) return;
  let at = examples.length;
  while (at > 0 && examples[at - 1]!.line > example.line) at--;
  examples.splice(at, 0, example);
  if (examples.length > EXAMPLES_PER_GROUP) examples.pop();
}

/** The groups of a list of rejected rows: the pure form of RejectionTally. */
export function groupRejections(rows: Iterable<{ line: number; reason: string }>): RejectionGroup[] {
  const tally = new RejectionTally();
  for (const row of rows) tally.add(row.line, row.reason);
  return tally.groups();
}

/** A group as the pages say it: "prenotified_date: not a real date …", and how many rows its examples leave out. */
export function groupLabel(group: Pick<RejectionGroup, 'field' | 'rule'>): string {
  if (group.field === '') return group.rule.charAt(0).toUpperCase() + group.rule.slice(1);
  return `${group.field}: ${group.rule.replace(/^is /u, '')}`;
}

export function rowsNotShown(group: Pick<RejectionGroup, 'rows' | 'examples'>): number {
  return Math.max(0, group.rows - group.examples.length);
}
