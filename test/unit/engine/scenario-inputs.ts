// The worked example of SPEC §4 (examples/progress-scenario.json, copied to fixtures/) as engine inputs.
import { readFileSync } from 'node:fs';
import type { AllowanceInput, DeclarationInput, FuelCounts, ProgressInputs, ProgressSettings, UserCounts } from '../../../server/engine/types.ts';
import { HOLIDAYS } from './build-inputs.ts';

export interface ExpectedUser {
  userId: string;
  total: FuelCounts;
  baseline: number | null;
  declared: number | null;
  allowance: number | null;
  actualRate: number | null;
  requiredRate: number | null;
  wdRemaining: number | null;
  projectedCompletion: string | null;
  rag: string;
  reason: string;
  flags: string[];
}

export interface Scenario {
  settings: ProgressSettings;
  deadline: string;
  register: Array<{ userId: string; name: string }>;
  snapshots: Array<{ asOf: string; counts: Record<string, UserCounts> }>;
  declarations: DeclarationInput[];
  allowances: AllowanceInput[];
  expected: Array<{ askedAsOf: string; asOf: string; users: ExpectedUser[] }>;
}

export const scenario = JSON.parse(readFileSync(new URL('./fixtures/progress-scenario.json', import.meta.url), 'utf8')) as Scenario;

/** The example gives snapshots in upload order without ids; number them 1, 2, 3, … */
export function inputsAsOf(askedAsOf: string): ProgressInputs {
  return {
    askedAsOf,
    settings: scenario.settings,
    holidays: HOLIDAYS,
    deadline: scenario.deadline,
    register: scenario.register.map((entry) => ({ ...entry, registered: true })),
    snapshots: scenario.snapshots.map((snapshot, index) => ({ id: index + 1, ...snapshot })),
    declarations: scenario.declarations,
    allowances: scenario.allowances,
  };
}
