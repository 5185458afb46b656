import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { type LookupSources, sharedByNumber, sourcesFor } from '../../src/lookup/index.js';

const all: LookupSources = {
  lineInfo: async () => null,
  simSwapDate: async () => null,
  activatedAt: async () => null,
  roaming: async () => null,
  recycled: async () => null,
};
const names = (sources: LookupSources) => Object.keys(sources).sort();

describe('sourcesFor', () => {
  it('by default asks line info, SIM swap and recycling (weighted in the risk), activation date; not roaming', () => {
    expect(names(sourcesFor(all, { ruleFields: new Set() }).now)).toEqual([
      'activatedAt',
      'lineInfo',
      'recycled',
      'simSwapDate',
    ]);
  });

  it('drops a source whose risk factor weighs 0, unless a rule or a setting reads its fact', () => {
    const riskWeights = { recent_sim_swap: 0, number_recycled: 0, new_number: 0.4 };
    expect(names(sourcesFor(all, { riskWeights, ruleFields: new Set() }).now)).toEqual(['lineInfo']);
    expect(names(sourcesFor(all, { riskWeights, simSwapCheck: true, ruleFields: new Set() }).now)).toEqual([
      'lineInfo',
      'simSwapDate',
    ]);
    expect(
      names(
        sourcesFor(all, {
          riskWeights,
          ruleFields: new Set(['roaming', 'number_recycled', 'days_since_activation', 'sim_swap_days_ago']),
        }).now,
      ),
    ).toEqual(['activatedAt', 'lineInfo', 'recycled', 'roaming', 'simSwapDate']);
  });
});

describe('sourcesFor, when the risk decides nothing yet', () => {
  it('leaves the facts that only feed the risk for the approval; a rule still gets its fact now', () => {
    const later = sourcesFor(all, { ruleFields: new Set(), riskDecidesNow: false });
    expect(names(later.now)).toEqual(['lineInfo']);
    expect(later.atApproval.sort()).toEqual(['activatedAt', 'recycled', 'simSwapDate']);

    const read = sourcesFor(all, { ruleFields: new Set(['sim_swap_days_ago']), riskDecidesNow: false });
    expect(names(read.now)).toEqual(['lineInfo', 'simSwapDate']);
    expect(read.atApproval.sort()).toEqual(['activatedAt', 'recycled']);
  });

  it('names for the approval only what is weighed or checked, and only sources it has', () => {
    const riskWeights = { recent_sim_swap: 0, number_recycled: 0, new_number: 0 };
    expect(sourcesFor(all, { riskWeights, ruleFields: new Set(), riskDecidesNow: false }).atApproval).toEqual(
      [],
    );
    expect(
      sourcesFor(all, { riskWeights, simSwapCheck: true, ruleFields: new Set(), riskDecidesNow: false })
        .atApproval,
    ).toEqual(['simSwapDate']);
    const { lineInfo } = all;
    expect(sourcesFor({ lineInfo }, { ruleFields: new Set(), riskDecidesNow: false }).atApproval).toEqual([]);
  });
});

describe('sharedByNumber', () => {
  it('asks once per number per TTL, shares the answer in flight, and keeps no failure', async () => {
    const clock = new ManualClock();
    const asked: string[] = [];
    let fail = false;
    const source = sharedByNumber(
      async (e164: string) => {
        asked.push(e164);
        if (fail) throw new Error('operator down');
        return `${e164}@${clock.now()}`;
      },
      { clock, ttlMs: 30_000, max: 100 },
    );
    const first = await Promise.all([source('+447400000001'), source('+447400000001')]);
    expect(new Set(first).size).toBe(1);
    await source('+447400000002');
    clock.advance(29_999);
    expect(await source('+447400000001')).toBe(first[0]);
    expect(asked).toEqual(['+447400000001', '+447400000002']);

    clock.advance(2);
    fail = true;
    await expect(source('+447400000001')).rejects.toThrow('operator down');
    fail = false;
    expect(await source('+447400000001')).toBe(`+447400000001@${clock.now()}`);
    expect(asked).toHaveLength(4);
  });
});
