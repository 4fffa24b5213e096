// Changing several programme settings at once — from the settings page or a `key,value` CSV (the
// keys the CLI uses) — and exporting them. Every value is checked before any is changed; only
// values that differ are changed, each audited by changeSetting.
import type { Knex } from 'knex';
import type { RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import type { FieldError } from '../errors.ts';
import { safeCsv } from '../safe-csv.ts';
import { invalid, shown, valid, type Rule } from './field-rules.ts';
import { readImportFile, refuseIfAny, SummaryCounter, type ChangeSource, type ImportKind, type ImportSummary } from './import-file.ts';
import { recordImport } from './keyed-changes.ts';
import { changeSetting, loadSettings, SETTING_DEFINITIONS, settingKeyOf } from './settings.ts';

const NAMES = Object.values(SETTING_DEFINITIONS).map((definition) => definition.name);

const keyRule: Rule<string> = (raw) => {
  const key = settingKeyOf(raw.toLowerCase());
  return key ? valid(SETTING_DEFINITIONS[key].name) : invalid(`${shown(raw)} is not a setting; use one of ${NAMES.join(', ')}`);
};

// Values are checked by their own setting's rule once the key is known.
const SETTINGS_RULES = { key: keyRule, value: (raw: string) => valid(raw) };

export const SETTINGS_FILE: ImportKind<typeof SETTINGS_RULES> = {
  layout: { required: ['key', 'value'] },
  rules: SETTINGS_RULES,
  key: (value) => value.key,
  keyColumns: 'key',
};

interface SettingChange {
  line?: number;
  /** The setting's name as the CLI writes it (rate-window). */
  name: string;
  raw: string;
}

async function applySettings(
  knex: Knex,
  changes: readonly SettingChange[],
  actor: Actor,
  origin: RequestOrigin,
  source: ChangeSource,
  earlierErrors: readonly FieldError[] = [],
): Promise<ImportSummary> {
  const errors: FieldError[] = [...earlierErrors];
  const parsed = changes.flatMap((change) => {
    const key = settingKeyOf(change.name);
    if (!key) return [];
    const value = SETTING_DEFINITIONS[key].parse(change.raw);
    if (value.ok) return [{ ...change, key, value: value.value }];
    // On the page the field is the setting itself; in a file, the value column of its line.
    errors.push(
      source.kind === 'form' ? { field: change.name, message: value.error } : { field: 'value', message: `${change.name}: ${value.error}`, line: change.line },
    );
    return [];
  });
  refuseIfAny(errors, source);

  return knex.transaction(async (trx) => {
    const before = await loadSettings(trx);
    const counter = new SummaryCounter();
    for (const change of parsed) {
      if (change.value === before[change.key]) {
        counter.count('unchanged');
        continue;
      }
      await changeSetting(trx, change.name, change.raw, actor, origin);
      counter.count('changed');
    }
    return counter.result();
  });
}

/** The settings form: one field per setting, named as the CLI names it. */
export function changeSettings(knex: Knex, form: Readonly<Record<string, unknown>>, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const changes = NAMES.filter((name) => typeof form[name] === 'string').map((name) => ({ name, raw: String(form[name]).trim() }));
  return applySettings(knex, changes, actor, origin, { kind: 'form' });
}

/** `key,value`: changes every setting the file gives, or none if any row is wrong. */
export async function importSettings(knex: Knex, content: Buffer, fileName: string, actor: Actor, origin: RequestOrigin = {}): Promise<ImportSummary> {
  const file = readImportFile(content, SETTINGS_FILE, fileName);
  const changes = file.rows.map(({ line, value }) => ({ line, name: value.key, raw: value.value }));
  const summary = await applySettings(knex, changes, actor, origin, file.source, file.errors);
  await recordImport(knex, actor, 'settings.import', fileName, summary, origin);
  return summary;
}

/** Every setting that may be changed, with the value in force (defaults included). */
export async function settingsCsv(knex: Knex): Promise<string> {
  const settings = await loadSettings(knex);
  return safeCsv(
    ['key', 'value'],
    Object.entries(SETTING_DEFINITIONS).map(([key, definition]) => {
      const value = settings[key as keyof typeof SETTING_DEFINITIONS];
      return [definition.name, value === null ? '' : String(value)];
    }),
  );
}
