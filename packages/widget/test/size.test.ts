import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt, widgetRoot } from './support/stack.js';

beforeAll(ensureWidgetBuilt);

describe('size budget (gzip)', () => {
  it('stays within 20 KB before the phone field, 36 KB until verified and 4 KB per country', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(widgetRoot, 'scripts', 'size.mjs'),
    ]).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const figures = JSON.parse(stdout) as Record<string, number | boolean>;
    expect(figures.initial_gzip_bytes).toBeLessThanOrEqual(20_000);
    expect(figures.until_verified_gzip_bytes).toBeLessThanOrEqual(36_000);
    expect(figures.country_chunk_gzip_bytes_max).toBeLessThanOrEqual(4_000);
    expect(figures.within_budget).toBe(true);
  });
});
