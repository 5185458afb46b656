import type { Settings } from '@proofline/shared';

/**
 * The fixed code of a site test number (settings `test_numbers`), or null when `phone` (E.164) is
 * not one or its `expires_at` has passed. Such a number is never sent anything.
 */
export function testNumberCode(settings: Settings, phone: string, nowMs: number): string | null {
  const entry = settings.test_numbers.find((candidate) => candidate.phone === phone);
  if (!entry) return null;
  if (entry.expires_at !== undefined && Date.parse(entry.expires_at) <= nowMs) return null;
  return entry.code;
}
