// `backfill settings|deadline|users|declarations|allowances|progress …` commands (issue 4).
import type { Command } from 'commander';

export function registerProgrammeCommands(_program: Command): void {
  // Filled by issue 4.
}
