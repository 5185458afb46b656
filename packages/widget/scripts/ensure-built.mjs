// Builds the widget (Vite, in process) when dist/ is missing or older than its sources, so the
// server, the demo, the benchmarks and the browser tests always serve the current bundle.
// Import `ensureWidgetBuilt`, or run this file: `node packages/widget/scripts/ensure-built.mjs`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const widgetRoot = fileURLToPath(new URL('../', import.meta.url));
const builtEntry = join(widgetRoot, 'dist', 'proofline.esm.js');
const sources = ['src', 'scripts', 'vite.config.ts', 'package.json'].map((entry) => join(widgetRoot, entry));

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function builtAt() {
  try {
    return statSync(builtEntry).mtimeMs;
  } catch {
    return 0;
  }
}

/** Answers whether it had to build. */
export async function ensureWidgetBuilt() {
  if (builtAt() > Math.max(...sources.map(newestMtime))) return false;
  const { build } = await import('vite');
  await build({ root: widgetRoot, configFile: join(widgetRoot, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (await ensureWidgetBuilt()) console.log('widget built');
}
