#!/usr/bin/env node
// Prints the widget's size budget figures as JSON (gzip level 9 bytes of the built files):
// - initial_gzip_bytes: the JS loaded before the phone field shows (classic loader, ES entry and its
//   static imports);
// - until_verified_gzip_bytes: plus the phone engine with its static imports and the largest
//   country metadata chunk — everything an English-speaking user loads until verified;
// - country_chunk_gzip_bytes_max: the largest per-country metadata chunk.
// Run after `pnpm --filter @proofline/widget build`; exits 1 when a budget is exceeded.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const budget = { initial: 20_000, untilVerified: 36_000, countryChunk: 4_000 };

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
} catch {
  console.error('widget size: dist/ is missing; run `pnpm --filter @proofline/widget build` first');
  process.exit(2);
}

const gzip = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

/** The files of a manifest entry and, transitively, of its static imports. */
function withStaticImports(key, files = new Set()) {
  const chunk = manifest[key];
  if (!chunk || files.has(chunk.file)) return files;
  files.add(chunk.file);
  for (const imported of chunk.imports ?? []) withStaticImports(imported, files);
  return files;
}

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const engineKey = Object.keys(manifest).find((key) => key.endsWith('phone/engine.ts'));
// Keys are paths relative to the build's root; virtual modules may carry a `../` prefix.
const countryKeys = Object.keys(manifest).filter((key) => key.includes('virtual:proofline/metadata/'));
const localeKeys = Object.keys(manifest).filter((key) => /translations\/\w+\.ts$/.test(key));

const initialFiles = withStaticImports(entryKey, new Set(['proofline.js']));
const engineFiles = [...withStaticImports(engineKey)].filter((file) => !initialFiles.has(file));
const countryChunks = countryKeys.map((key) => ({
  group: key.split('/').pop(),
  bytes: gzip(manifest[key].file),
}));
const largest = countryChunks.reduce((a, b) => (b.bytes > a.bytes ? b : a));

const sum = (files) => [...files].reduce((total, file) => total + gzip(file), 0);
const initial = sum(initialFiles);
const engine = sum(engineFiles);
const figures = {
  initial_gzip_bytes: initial,
  until_verified_gzip_bytes: initial + engine + largest.bytes,
  country_chunk_gzip_bytes_max: largest.bytes,
  country_chunk_max_calling_code: largest.group,
  engine_gzip_bytes: engine,
  locale_chunk_gzip_bytes_max: Math.max(...localeKeys.map((key) => gzip(manifest[key].file))),
  budget_gzip_bytes: {
    initial: budget.initial,
    until_verified: budget.untilVerified,
    country_chunk: budget.countryChunk,
  },
};
figures.within_budget =
  figures.initial_gzip_bytes <= budget.initial &&
  figures.until_verified_gzip_bytes <= budget.untilVerified &&
  figures.country_chunk_gzip_bytes_max <= budget.countryChunk;

console.log(JSON.stringify(figures, null, 2));
process.exitCode = figures.within_budget ? 0 : 1;
