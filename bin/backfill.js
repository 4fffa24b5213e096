#!/usr/bin/env node
// The `backfill` command: runs the build in dist/ (`npm run build`, which `npm ci` runs too).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('backfill: there is no build in dist/; run `npm run build` (npm ci and npm install run it too).\n');
  process.exit(1);
}
const { runCli } = await import(cli.href);
process.exitCode = await runCli(process.argv.slice(2));
