// `backfill snapshot …` commands (issue 3).
import type { Command } from 'commander';

export function registerSnapshotCommands(_program: Command): void {
  // Filled by issue 3.
}
