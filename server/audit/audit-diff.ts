// An audit entry's before and after (JSON as stored) as a readable diff: one row per field that
// differs, nested objects named by their path (inForce.count), unchanged fields left out. An entry
// that only adds has no before, one that only removes no after: every field shows then.

export interface FieldChange {
  field: string;
  /** The value as text; null when the field was not there. */
  before: string | null;
  after: string | null;
}

type Flat = Map<string, string>;

function parsed(json: string | null): unknown {
  if (json === null || json === '') return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    // Written by us as JSON; anything else is shown as it is rather than hidden.
    return json;
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(text).join(', ');
  // An object inside an array (flatten takes apart the others) stays JSON.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

function flatten(value: unknown, prefix: string, into: Flat): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (value !== undefined) {
    // A value that is not an object (a setting's number) is the field "value".
    into.set(prefix || 'value', text(value));
  }
  return into;
}

/** The fields that differ between before and after, in the order they first appear. */
export function auditDiff(beforeJson: string | null, afterJson: string | null): FieldChange[] {
  const side = (json: string | null): Flat => {
    const value = parsed(json);
    return value === null ? new Map<string, string>() : flatten(value, '', new Map<string, string>());
  };
  const before = side(beforeJson);
  const after = side(afterJson);
  const fields = [...new Set([...before.keys(), ...after.keys()])];
  return fields
    .map((field) => ({ field, before: before.get(field) ?? null, after: after.get(field) ?? null }))
    .filter((change) => change.before !== change.after);
}
