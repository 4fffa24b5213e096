// The rules a snapshot's counts depend on (SPEC §3.2–3.3): the implementation date, and the MAP
// register that decides which MAP IDs are valid. Each snapshot keeps those it was counted with, so
// which snapshots a change of the rules leaves counted otherwise is known exactly. Pure.

export interface CountingRules {
  implementationDate: string;
  /** The register's MAP IDs, upper-case and sorted; empty when the register was (any MAP ID of 4 letters or digits is valid). */
  mapRegister: string[];
}

function normalised(register: readonly string[]): string[] {
  return [...new Set(register.map((id) => id.trim().toUpperCase()))].sort();
}

export function countingRules(implementationDate: string, register: readonly string[]): CountingRules {
  return { implementationDate, mapRegister: normalised(register) };
}

/** What a snapshot row says it was counted with; null for one imported before the rules were kept with it. */
export function rulesOfSnapshot(row: { rules_implementation_date: string | null; rules_map_register: string | null }): CountingRules | null {
  if (row.rules_implementation_date === null) return null;
  const register = row.rules_map_register === null ? [] : (JSON.parse(row.rules_map_register) as string[]);
  return countingRules(row.rules_implementation_date, register);
}

/** The register as the snapshots table keeps it: a JSON array, or null when empty. */
export function storedRegister(rules: CountingRules): string | null {
  return rules.mapRegister.length > 0 ? JSON.stringify(rules.mapRegister) : null;
}

const NAMED = 5;

function few(ids: readonly string[]): string {
  const shown = ids.slice(0, NAMED).join(', ');
  return ids.length > NAMED ? `${shown} and ${ids.length - NAMED} more` : shown;
}

/** How the rules a snapshot was counted with differ from those in force, in words; null when they are the same. */
export function rulesDifference(then: CountingRules | null, now: CountingRules): string | null {
  if (then === null) return 'counted before the rules were kept with each snapshot';
  const parts: string[] = [];
  if (then.implementationDate !== now.implementationDate) parts.push(`implementation date ${then.implementationDate}, now ${now.implementationDate}`);
  const before = new Set(then.mapRegister);
  const after = new Set(now.mapRegister);
  const added = now.mapRegister.filter((id) => !before.has(id));
  const removed = then.mapRegister.filter((id) => !after.has(id));
  if (added.length > 0 || removed.length > 0) {
    if (then.mapRegister.length === 0) parts.push(`counted with an empty MAP register (any MAP ID valid); it now lists ${few(added)}`);
    else if (now.mapRegister.length === 0) parts.push('the MAP register is empty now (any MAP ID valid)');
    else {
      const changes = [added.length > 0 ? `${few(added)} added` : null, removed.length > 0 ? `${few(removed)} removed` : null].filter(Boolean);
      parts.push(`MAP register since: ${changes.join('; ')}`);
    }
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The register in an audit entry: its MAP IDs, or how many when they are many. */
export function registerInWords(rules: CountingRules): string {
  if (rules.mapRegister.length === 0) return 'empty (any MAP ID valid)';
  return rules.mapRegister.length <= 50 ? rules.mapRegister.join(', ') : `${rules.mapRegister.length} MAP IDs`;
}
