import { ManualClock } from '../../src/clock/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryStore(clock);
  return {
    store,
    advance: async (ms) => clock.advance(ms),
    dispose: () => store.close(),
  };
});
