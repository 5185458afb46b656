#!/usr/bin/env node
// The long fuzz run, on demand: `node packages/server/scripts/fuzz.mjs` from the repo root runs the
// fast-check properties of test/fuzz (every REST route and tRPC procedure: never a 5xx, always the
// error shape) with FUZZ_RUNS runs per route, 10,000 unless FUZZ_RUNS says otherwise. CI runs the
// same test with its small default.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const runs = process.env.FUZZ_RUNS ?? '10000';
const began = Date.now();
const child = spawn(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--project',
    'server',
    'packages/server/test/fuzz',
    // 10,000 runs per route take minutes: the suite's per-test timeout is for CI's small runs.
    '--testTimeout=0',
    '--hookTimeout=60000',
  ],
  { cwd: root, env: { ...process.env, FUZZ_RUNS: runs }, stdio: 'inherit' },
);
child.once('exit', (code) => {
  console.log(
    `fuzz: FUZZ_RUNS=${runs} finished in ${Math.round((Date.now() - began) / 1000)} s, exit ${code}`,
  );
  process.exitCode = code ?? 1;
});
