// `backfill demo` (issue 6): a fresh database filled with a realistic generated programme.
import type { Command } from 'commander';

export function registerDemoCommands(_program: Command): void {
  // Filled by issue 6.
}
