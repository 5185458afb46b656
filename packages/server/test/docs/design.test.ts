import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';

/** docs/design.md is the contract kept inside the repository: it must name what the server mounts. */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const design = readFileSync(`${root}docs/design.md`, 'utf8');

let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('docs/design.md', () => {
  it('names every /v1 route the server mounts', () => {
    const paths = new Set(
      server.app.registeredRoutes.map((route) => route.url).filter((url) => url.startsWith('/v1/')),
    );
    expect(paths.size).toBeGreaterThan(20);
    const missing = [...paths].filter((path) => !design.includes(path));
    expect(missing).toEqual([]);
  });

  it('walks one phone number through files that exist', () => {
    const walk = design.slice(design.indexOf('## One phone number, from the widget to siteverify'));
    const files = [
      ...walk.matchAll(/`((?:server|widget|shared)\/src\/[\w./-]+\.ts|demo\/[\w./-]+\.ts)`/g),
    ].map((match) => match[1]!);
    expect(files.length).toBeGreaterThan(15);
    const missing = files.filter(
      (file) => !existsSync(file.startsWith('demo/') ? root + file : `${root}packages/${file}`),
    );
    expect(missing).toEqual([]);
  });
});
