// The README says `npm test -- FILE` runs one file: `npm test` is the build, then test/run.ts with
// the arguments given; run.ts given one file runs that file and nothing else.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers/processes.ts';

describe('npm test -- FILE', () => {
  it('is the build, then test/run.ts with the arguments given', () => {
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.test, 'npm run build && node --import tsx test/run.ts');
  });

  it('runs that one file: its two tests and no other', () => {
    // Without the variable node --test sets in the files it runs, which would make this run report to it.
    const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/run.ts', 'test/fixtures/npm-test/one-file.test.ts', '--test-reporter=tap'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...env, INIT_CWD: ROOT },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^# tests 2$/m);
    assert.match(run.stdout, /^# pass 2$/m);
    assert.deepEqual(
      [...run.stdout.matchAll(/^ok \d+ - (.+)$/gm)].map((m) => m[1]),
      ['is the first of two', 'is the second of two'],
    );
  });
});
