import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SettingsPatch } from '@proofline/shared';
import type { z } from 'zod';
import { TenantFile } from '../tenants/index.js';
import { UsageError } from './usage-error.js';

export type TenantFileContent = z.infer<typeof TenantFile>;
export type TenantEntry = TenantFileContent['sites'][number];

/** The tenants file at `path`; an absent file is an empty one (the first `sites create` makes it). */
export function readTenantFile(path: string): TenantFileContent | { sites: [] } {
  if (!existsSync(path)) return { sites: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  const parsed = TenantFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Writes the whole file through a temporary file in the same folder and a rename, so a failure
 * (disk full, a crash) leaves the previous file intact, never half of a new one.
 */
export function writeTenantFile(path: string, content: TenantFileContent): void {
  TenantFile.parse(content);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

const originList = SettingsPatch.shape.allowed_origins.unwrap();

/** `--origin` values as the settings' `allowed_origins` accept them; the first problem is named. */
export function parseOrigins(origins: readonly string[]): string[] {
  if (origins.length === 0)
    throw new UsageError('give at least one --origin (e.g. --origin https://shop.example.com)');
  const parsed = originList.safeParse(origins);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = typeof issue.path[0] === 'number' ? origins[issue.path[0]] : origins.join(' ');
    throw new UsageError(`--origin ${JSON.stringify(at)}: ${issue.message}`);
  }
  return parsed.data;
}
