import type { BatchOperation } from '../port.js';

/** How the Redis store writes TTLs, scores and batch operations as script arguments, and reads replies. */

export function ttlArg(ttlMs: number | undefined): string {
  return ttlMs === undefined ? '' : String(Math.max(1, Math.round(ttlMs)));
}

export function scoreArg(score: number): string {
  if (score === Number.POSITIVE_INFINITY) return '+inf';
  if (score === Number.NEGATIVE_INFINITY) return '-inf';
  return String(score);
}

export function parseScore(score: string): number {
  if (score === 'inf' || score === '+inf') return Number.POSITIVE_INFINITY;
  if (score === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(score);
}

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Reads Redis's flat `[a, b, a, b…]` replies (and RESP3's nested `[[a, b]…]`) as pairs. */
export function pairsOf(reply: readonly (string | readonly [string, string])[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let at = 0; at < reply.length; ) {
    const item = reply[at];
    if (Array.isArray(item)) {
      pairs.push([String(item[0]), String(item[1])]);
      at += 1;
    } else {
      pairs.push([String(item), String(reply[at + 1])]);
      at += 2;
    }
  }
  return pairs;
}

/**
 * ARGV for one operation of the batch script: op, ttlMs, n, n values. Null for a write that does
 * nothing (its answer is 0).
 */
export function encodeOperation(operation: BatchOperation): string[] | null {
  switch (operation.op) {
    case 'set':
      return ['set', ttlArg(operation.ttlMs), '1', operation.value];
    case 'del':
      return ['del', '', '0'];
    case 'increment':
      return ['increment', ttlArg(operation.ttlMs), '1', String(operation.by ?? 1)];
    case 'setAdd':
      if (operation.members.length === 0) return null;
      return ['setAdd', ttlArg(operation.ttlMs), String(operation.members.length), ...operation.members];
    case 'sortedAdd':
      return ['sortedAdd', ttlArg(operation.ttlMs), '2', scoreArg(operation.score), operation.member];
    case 'sortedRemoveRange':
    case 'sortedCount':
      return [operation.op, '', '2', scoreArg(operation.min), scoreArg(operation.max)];
  }
}
