// Header matching for inventory snapshots (SPEC §3.1): finds the required columns by name in any
// order, ignoring case and surrounding spaces, and says exactly what is wrong when it cannot.

export const REQUIRED_COLUMNS = ['device_id', 'device_type', 'device_status', 'responsible_user_id', 'map_id', 'prenotified_date'] as const;

export type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];

/** Slot numbers: the index of each required column in REQUIRED_COLUMNS. */
export const SLOT_DEVICE_ID = 0;
export const SLOT_DEVICE_TYPE = 1;
export const SLOT_DEVICE_STATUS = 2;
export const SLOT_RESPONSIBLE_USER_ID = 3;
export const SLOT_MAP_ID = 4;
export const SLOT_PRENOTIFIED_DATE = 5;

export interface HeaderLayout {
  /** Number of fields every data row must have. */
  columnCount: number;
  /** For each column of the file, the slot of the required column it holds, or -1 (ignored). */
  slots: Int8Array;
  /** For each slot, the column it was found in (0-based). */
  columns: number[];
}

export type HeaderMatch = { ok: true; layout: HeaderLayout } | { ok: false; message: string };

const quoted = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** Matches header names (as decoded from the file) against the required columns. */
export function matchHeader(names: readonly string[], line: number): HeaderMatch {
  const slots = new Int8Array(names.length).fill(-1);
  const columns: number[] = REQUIRED_COLUMNS.map(() => -1);
  const repeated = new Set<RequiredColumn>();
  names.forEach((raw, column) => {
    const slot = (REQUIRED_COLUMNS as readonly string[]).indexOf(raw.trim().toLowerCase());
    if (slot < 0) return;
    if (columns[slot]! >= 0) {
      // Two columns with one name: guessing which one holds the data would be silently wrong.
      repeated.add(REQUIRED_COLUMNS[slot]!);
      return;
    }
    columns[slot] = column;
    slots[column] = slot;
  });
  const twice = [...repeated];
  if (twice.length > 0) {
    return { ok: false, message: `line ${line}: the header names ${quoted(twice)} more than once; each column must appear once` };
  }
  const missing = REQUIRED_COLUMNS.filter((_, slot) => columns[slot]! < 0);
  const separator = missing.length > 0 ? otherSeparator(names) : null;
  if (separator !== null) {
    return { ok: false, message: separatorMessage(line, separator) };
  }
  if (missing.length === REQUIRED_COLUMNS.length) {
    const found = names.slice(0, 8).join(',');
    const shown = found.length > 80 ? `${found.slice(0, 80)}…` : found;
    return {
      ok: false,
      message: `line ${line}: no header: the first line must name the columns ${REQUIRED_COLUMNS.join(', ')} ` + `(it reads "${shown}")`,
    };
  }
  if (missing.length > 0) {
    const what = missing.length === 1 ? 'column' : 'columns';
    return {
      ok: false,
      message: `line ${line}: the header has no ${quoted(missing)} ${what} (required: ${REQUIRED_COLUMNS.join(', ')})`,
    };
  }
  return { ok: true, layout: { columnCount: names.length, slots, columns } };
}

const SEPARATORS: ReadonlyArray<[string, string]> = [
  ['\t', 'tabs (a tab-separated file)'],
  [';', 'semicolons'],
  ['|', 'vertical bars'],
];

export function separatorMessage(line: number, separator: string): string {
  return `line ${line}: the columns are separated by ${separator}, not commas: save the file as comma-separated CSV and send it again`;
}

/**
 * The separator a header uses instead of commas, in words, when splitting its names by it finds
 * required columns (a tab-separated export, or a CSV saved where Excel writes semicolons); else null.
 */
export function otherSeparator(names: readonly string[]): string | null {
  for (const [separator, words] of SEPARATORS) {
    if (!names.some((name) => name.includes(separator))) continue;
    const split = new Set(names.flatMap((name) => name.split(separator)).map((name) => name.trim().toLowerCase()));
    if (REQUIRED_COLUMNS.filter((column) => split.has(column)).length >= 2) return words;
  }
  return null;
}
