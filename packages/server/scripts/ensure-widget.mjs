// Builds the widget when its output is missing or older than its sources, so the server always
// serves a current /widget/proofline.js. Runs before `pnpm --filter @proofline/server start`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const widget = fileURLToPath(new URL('../../widget/', import.meta.url));
const output = join(widget, 'dist', 'proofline.js');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

const sources = ['src', 'scripts', 'vite.config.ts', 'package.json']
  .map((entry) => join(widget, entry))
  .filter((path) => existsSync(path));
const stale = !existsSync(output) || Math.max(...sources.map(newest)) > statSync(output).mtimeMs;

if (stale && existsSync(join(widget, 'vite.config.ts'))) {
  console.log('building the widget…');
  const result = spawnSync('pnpm', ['--filter', '@proofline/widget', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
