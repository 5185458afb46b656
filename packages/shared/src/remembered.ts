/**
 * `compute` answered from memory for the latest `max` keys, the oldest forgotten first: for pure
 * answers asked again and again on a hot path (a number's parse, an Origin, a keyed hash). Bounded
 * whatever the callers send.
 */
export function remembered<V>(compute: (key: string) => V, max: number): (key: string) => V {
  const known = new Map<string, V>();
  return (key) => {
    if (known.has(key)) return known.get(key) as V;
    const value = compute(key);
    if (known.size >= max) known.delete(known.keys().next().value as string);
    known.set(key, value);
    return value;
  };
}
