import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { InstanceCache, type Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';

function setup() {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  const cacheOn = () => new InstanceCache<string | null>({ store, clock, channel: 'changes', ttlMs: 1_000 });
  let reads = 0;
  const load = (key: string) => async () => {
    reads += 1;
    return store.get(key);
  };
  return { clock, store, cacheOn, load, reads: () => reads };
}

describe('InstanceCache', () => {
  it('reads the store once per TTL, and again once the TTL has passed', async () => {
    const { clock, store, cacheOn, load, reads } = setup();
    const cache = cacheOn();
    await store.set('k', 'one');
    expect(await Promise.all([cache.get('k', load('k')), cache.get('k', load('k'))])).toEqual(['one', 'one']);
    await store.set('k', 'two');
    clock.advance(999);
    expect(await cache.get('k', load('k'))).toBe('one');
    expect(reads()).toBe(1);
    clock.advance(1);
    expect(await cache.get('k', load('k'))).toBe('two');
    expect(reads()).toBe(2);
  });

  it('drops a key on every instance listening when one invalidates it', async () => {
    const { store, cacheOn, load } = setup();
    const [here, there] = [cacheOn(), cacheOn()];
    await Promise.all([here.listen(), there.listen()]);
    await store.set('k', 'one');
    await store.set('other', 'kept');
    expect(await there.get('k', load('k'))).toBe('one');
    expect(await there.get('other', load('other'))).toBe('kept');

    await store.set('k', 'two');
    await store.set('other', 'changed unannounced');
    await here.invalidate('k');
    expect(await there.get('k', load('k'))).toBe('two');
    expect(await there.get('other', load('other'))).toBe('kept');
  });

  it('never keeps a value read before an invalidation that came while it was in flight', async () => {
    const { store, cacheOn } = setup();
    const cache = cacheOn();
    await cache.listen();
    let release: (value: string) => void = () => {};
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    await store.set('k', 'new');
    await cache.invalidate('k');
    release('old');
    expect(await slow).toBe('old');
    expect(await cache.get('k', () => store.get('k'))).toBe('new');
  });

  it('keeps no failure: the next read tries the store again', async () => {
    const { cacheOn } = setup();
    const cache = cacheOn();
    await expect(cache.get('k', async () => Promise.reject(new Error('store down')))).rejects.toThrow(
      'store down',
    );
    expect(await cache.get('k', async () => 'back')).toBe('back');
  });
});

describe('InstanceCache after a lost subscription', () => {
  it('forgets every value when the store says messages may have been missed', async () => {
    const clock = new ManualClock();
    const store: Store = new MemoryStore(clock);
    let missed = () => {};
    const subscribe = store.subscribe.bind(store);
    store.subscribe = async (channel, listener, onMissed) => {
      if (onMissed) missed = onMissed;
      return subscribe(channel, listener);
    };
    const cache = new InstanceCache<string | null>({ store, clock, channel: 'changes', ttlMs: 60_000 });
    await cache.listen();
    await store.set('k', 'one');
    expect(await cache.get('k', () => store.get('k'))).toBe('one');
    await store.set('k', 'two');
    expect(await cache.get('k', () => store.get('k'))).toBe('one');
    missed();
    expect(await cache.get('k', () => store.get('k'))).toBe('two');
  });
});
