import type { Redis } from 'ioredis';
import type { StoreDurability } from '../port.js';

/**
 * One node's persistence and eviction policy from INFO (CONFIG is often disabled on managed Redis):
 * persistence is on when the append-only file is, or when RDB snapshots are scheduled (`save`).
 */
export async function durabilityOf(node: Redis): Promise<StoreDurability> {
  const info = await node.info();
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  let snapshots = false;
  try {
    const [, save] = (await node.config('GET', 'save')) as [string, string];
    snapshots = save.trim() !== '';
  } catch {
    // CONFIG refused: only the append-only file can be seen.
  }
  return {
    persistence: field('aof_enabled') === '1' || snapshots,
    evictionPolicy: field('maxmemory_policy') || 'noeviction',
  };
}

/** Every node's durability as one: persistence only if all have it, the first eviction policy that evicts. */
export function combinedDurability(nodes: readonly StoreDurability[]): StoreDurability {
  return {
    persistence: nodes.every((node) => node.persistence),
    evictionPolicy:
      nodes.find((node) => node.evictionPolicy !== 'noeviction')?.evictionPolicy ?? 'noeviction',
  };
}
