// Programme settings of SPEC §3.3: their keys (as the CLI spells them), defaults, validation, and
// loading and saving them. Every change is audited with its before and after.
import type { Knex } from 'knex';
import { readStoredSettings, writeStoredSetting } from '../../db/queries/settings.ts';
import { recordAudit, type RequestOrigin } from '../audit/record.ts';
import type { Actor } from '../auth/roles.ts';
import { ValidationError } from '../errors.ts';
import { isIsoDate } from '../engine/calendar.ts';
import { checkBaselineExists } from './baseline-choices.ts';

/** The TLP words, and WHITE: the Panel Information Policy's marking for papers anyone may read. */
export const CLASSIFICATIONS = ['RED', 'AMBER+STRICT', 'AMBER', 'GREEN', 'CLEAR', 'WHITE'] as const;

export interface ProgrammeSettings {
  implementationDate: string;
  notificationWindow: number;
  confirmationWindow: number;
  rateWindow: number;
  /** The report is due on this Working Day of the following month. */
  reportDay: number;
  reportClassification: (typeof CLASSIFICATIONS)[number];
  /** The Panel paper's reference (e.g. SECP_123_01), printed on the report's cover; empty for none. */
  paperReference: string;
  /** A report is stale when its snapshot is more than this many Working Days older than the month's end. */
  staleAfter: number;
  maxRejectRatio: number;
  /** A snapshot naming more distinct Users than this is refused whole. */
  maxUsers: number;
  /** A baseline snapshot pinned by SECAS, or null for the default (SPEC §4.2). */
  baselineSnapshotId: number | null;
  /** Fixed: the SEC's calendar. Shown, never edited. */
  timeZone: 'Europe/London';
}

type EditableKey = Exclude<keyof ProgrammeSettings, 'timeZone'>;

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const error = <T>(message: string): Parsed<T> => ({ ok: false, error: message });

interface Definition<K extends EditableKey> {
  /** The key as people and the CLI write it, e.g. implementation-date. */
  name: string;
  label: string;
  help: string;
  parse(raw: string): Parsed<ProgrammeSettings[K]>;
}

function wholeNumber(min: number, max: number, what: string) {
  return (raw: string): Parsed<number> => {
    const value = raw.trim();
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) return error(`${what} must be a whole number from ${min} to ${max}.`);
    return ok(Number(value));
  };
}

export const SETTING_DEFINITIONS: { [K in EditableKey]: Definition<K> } = {
  implementationDate: {
    name: 'implementation-date',
    label: 'Implementation date',
    help: 'The date SECMP0011 took effect: meters pre-notified before it must be backfilled.',
    parse: (raw) => (isIsoDate(raw.trim()) ? ok(raw.trim()) : error('The implementation date must be a real date written YYYY-MM-DD.')),
  },
  notificationWindow: {
    name: 'notification-window',
    label: 'Notification window (Working Days)',
    help: 'Working Days after the implementation date within which each User declares its count.',
    parse: wholeNumber(1, 60, 'The notification window'),
  },
  confirmationWindow: {
    name: 'confirmation-window',
    label: 'Confirmation window (Working Days)',
    help: 'Working Days after a declaration within which the DCC confirms the User’s allowance.',
    parse: wholeNumber(1, 60, 'The confirmation window'),
  },
  rateWindow: {
    name: 'rate-window',
    label: 'Rate window (Working Days)',
    help: 'Working Days over which each User’s actual rate is measured.',
    parse: wholeNumber(1, 250, 'The rate window'),
  },
  reportDay: {
    name: 'report-day',
    label: 'Report day (Working Day of the month)',
    help: 'The monthly report for a month is drafted on this Working Day of the next month.',
    parse: wholeNumber(1, 15, 'The report day'),
  },
  reportClassification: {
    name: 'report-classification',
    label: 'Report classification',
    help: 'The marking printed at the top of every report page.',
    parse: (raw) => {
      const value = raw.trim().toUpperCase();
      const known = CLASSIFICATIONS.find((c) => c === value);
      return known ? ok(known) : error(`The report classification must be one of ${CLASSIFICATIONS.join(', ')}.`);
    },
  },
  paperReference: {
    name: 'paper-reference',
    label: 'Panel paper reference',
    help: 'The reference the Panel Secretariat gives the monthly paper (e.g. SECP_123_01), printed on the report’s cover. Leave empty for none.',
    parse: (raw) => {
      const value = raw.trim();
      return /^[\w ./-]{0,40}$/.test(value) ? ok(value) : error('The paper reference must be up to 40 letters, digits, spaces and . / _ - characters.');
    },
  },
  staleAfter: {
    name: 'stale-after',
    label: 'Stale data after (Working Days)',
    help: 'A report (and the dashboard) says its data is stale when the newest snapshot is more than this many Working Days old.',
    parse: wholeNumber(1, 250, 'The stale-data limit'),
  },
  maxRejectRatio: {
    name: 'max-reject-ratio',
    label: 'Largest share of rejected rows',
    help: 'A snapshot is refused when more than this share of its data rows is rejected (0.001 = 0.1 %).',
    parse: (raw) => {
      const value = raw.trim();
      if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value)) return error('The largest share of rejected rows must be a number from 0 to 1, e.g. 0.001.');
      return ok(Number(value));
    },
  },
  maxUsers: {
    name: 'max-users',
    label: 'Most Users in one snapshot',
    help:
      'A snapshot naming more distinct responsible Users than this is refused whole: the programme has a few dozen suppliers, ' +
      'so many more means the file is not what it seems (and would make every page that lists Users enormous).',
    parse: wholeNumber(1, 1_000_000, 'The most Users in one snapshot'),
  },
  baselineSnapshotId: {
    name: 'baseline-snapshot',
    label: 'Pinned baseline snapshot',
    help: 'The snapshot each User’s baseline is taken from: by default the first on or after the implementation date, or one chosen from the list.',
    parse: (raw) => {
      const value = raw.trim().toLowerCase();
      if (value === '' || value === 'none') return ok(null);
      return /^[1-9]\d*$/.test(value) ? ok(Number(value)) : error('The pinned baseline must be a snapshot from the list (its id), or empty for the default.');
    },
  },
};

export const DEFAULT_SETTINGS: ProgrammeSettings = {
  implementationDate: '2018-06-28',
  notificationWindow: 5,
  confirmationWindow: 5,
  rateWindow: 10,
  reportDay: 5,
  reportClassification: 'AMBER',
  paperReference: '',
  staleAfter: 15,
  maxRejectRatio: 0.001,
  maxUsers: 1000,
  baselineSnapshotId: null,
  timeZone: 'Europe/London',
};

const EDITABLE = Object.keys(SETTING_DEFINITIONS) as EditableKey[];

/** The key for a name as people write it (implementation-date) or as code does (implementationDate). */
export function settingKeyOf(name: string): EditableKey | null {
  return EDITABLE.find((key) => key === name || SETTING_DEFINITIONS[key].name === name) ?? null;
}

function assign<K extends EditableKey>(settings: ProgrammeSettings, key: K, value: ProgrammeSettings[K]): void {
  settings[key] = value;
}

function serialise(value: ProgrammeSettings[EditableKey]): string {
  return value === null ? '' : String(value);
}

export async function loadSettings(knex: Knex): Promise<ProgrammeSettings> {
  const stored = await readStoredSettings(knex);
  const settings: ProgrammeSettings = { ...DEFAULT_SETTINGS };
  for (const key of EDITABLE) {
    const raw = stored.get(SETTING_DEFINITIONS[key].name);
    if (raw === undefined) continue;
    const parsed = SETTING_DEFINITIONS[key].parse(raw);
    // A stored value that no longer parses (rules tightened) falls back to the default rather than
    // stopping every page; the settings page shows what is in force.
    if (parsed.ok) assign(settings, key, parsed.value);
  }
  return settings;
}

/** Validates and stores one setting; returns the value before and after. Audited. */
export async function changeSetting(
  knex: Knex,
  name: string,
  raw: string,
  actor: Actor,
  origin: RequestOrigin = {},
): Promise<{ key: EditableKey; before: ProgrammeSettings[EditableKey]; after: ProgrammeSettings[EditableKey] }> {
  const key = settingKeyOf(name);
  if (!key) {
    const names = EDITABLE.map((k) => SETTING_DEFINITIONS[k].name).join(', ');
    throw new ValidationError(`"${name}" is not a setting; use one of ${names}.`, [{ field: 'key', message: `Choose one of ${names}.` }]);
  }
  const definition = SETTING_DEFINITIONS[key];
  const parsed = definition.parse(raw);
  if (!parsed.ok) throw new ValidationError(parsed.error, [{ field: definition.name, message: parsed.error }]);
  const after = parsed.value;
  if (key === 'baselineSnapshotId') await checkBaselineExists(knex, after as number | null, definition.name);
  return knex.transaction(async (trx) => {
    const before = (await loadSettings(trx))[key];
    await writeStoredSetting(trx, definition.name, serialise(after), actor.name);
    await recordAudit(
      trx,
      actor,
      { action: 'setting.change', entity: 'setting', entityId: definition.name, before: { value: before }, after: { value: after } },
      origin,
    );
    return { key, before, after };
  });
}
