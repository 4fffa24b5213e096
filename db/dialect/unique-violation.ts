// What each database calls "another writer got there first": a row that breaks a unique index, and
// (for claims that lock) a deadlock or a busy database. Written once for both dialects.

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The insert or update broke a unique index (ER_DUP_ENTRY, SQLITE_CONSTRAINT_UNIQUE). */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Two transactions collided and this one lost: a unique index, a deadlock, or SQLite busy. */
export function lostToAnotherWriter(err: unknown): boolean {
  const code = codeOf(err);
  return isUniqueViolation(err) || code === 'ER_LOCK_DEADLOCK' || code === 'SQLITE_BUSY';
}
