import { defaultRiskWeights, RiskAssessment, type RiskFactorName } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { assessRisk, type RiskSignals, riskLevelFor, withLineTypeFloor } from '../../src/risk/index.js';

const alone: [RiskFactorName, RiskSignals, number, RegExp][] = [
  ['fraud_history', { fraudHistory: true }, 40, /earlier fraud/],
  ['premium_rate', { lineType: 'premium' }, 30, /premium-rate/],
  ['known_fraud_carrier', { knownFraudCarrier: true, carrierName: 'Acme' }, 35, /Acme is known/],
  ['recently_ported', { portedDaysAgo: 12 }, 20, /ported to another carrier 12 days ago/],
  ['voip_number', { lineType: 'voip' }, 15, /VoIP/],
  ['virtual_number', { lineType: 'virtual' }, 20, /virtual number/],
  [
    'country_mismatch',
    { country: 'GB', applicantCountry: 'FR' },
    15,
    /from GB but the applicant declared FR/,
  ],
  ['prepaid', { prepaid: true }, 10, /prepaid/],
  ['new_number', { activatedDaysAgo: 1 }, 5, /activated 1 day ago/],
  ['unusual_carrier', { unusualCarrier: true }, 5, /not what the number's range/],
  ['recent_sim_swap', { simSwapDaysAgo: 0 }, 35, /changed today/],
  ['number_recycled', { numberRecycled: true }, 30, /reassigned/],
];

describe('line type floors (TrustGate: voip medium, virtual medium, toll-free and premium high)', () => {
  it.each([
    ['mobile', 'low'],
    ['landline', 'low'],
    ['voip', 'medium'],
    ['virtual', 'medium'],
    ['toll_free', 'high'],
    ['premium', 'high'],
    ['shared_cost', 'low'],
    ['unknown', 'low'],
  ] as const)('a %s line with nothing else against it is %s', (lineType, level) => {
    expect(assessRisk({ lineType }).risk_level).toBe(level);
  });

  it('a score above the floor wins: VoIP with fraud history is high', () => {
    expect(assessRisk({ lineType: 'voip', fraudHistory: true, prepaid: true })).toMatchObject({
      risk_score: 65,
      risk_level: 'high',
    });
  });

  it('the VoIP factor names the provider, else the carrier', () => {
    const named = (signals: RiskSignals) => assessRisk(signals).factors[0]?.details;
    expect(named({ lineType: 'voip', voipProvider: 'Google Voice', carrierName: 'Bandwidth' })).toBe(
      'Google Voice VoIP number',
    );
    expect(named({ lineType: 'voip', carrierName: 'Sandbox VoIP' })).toBe(
      'A VoIP number run by Sandbox VoIP.',
    );
    expect(named({ lineType: 'voip' })).toBe('The number is a VoIP line.');
  });
});

describe('assessRisk', () => {
  it('scores a number with no signals 0, low, with no factors', () => {
    expect(assessRisk({})).toEqual({ risk_score: 0, risk_level: 'low', factors: [] });
    expect(assessRisk({ lineType: 'mobile', country: 'GB', applicantCountry: 'gb', prepaid: false })).toEqual(
      {
        risk_score: 0,
        risk_level: 'low',
        factors: [],
      },
    );
  });

  it.each(alone)('%s alone contributes its documented weight', (factor, signals, contribution, details) => {
    const result = assessRisk(signals);
    expect(RiskAssessment.parse(result)).toEqual(result);
    expect(result.risk_score).toBe(contribution);
    expect(result.risk_level).toBe(withLineTypeFloor(riskLevelFor(contribution), signals.lineType));
    expect(result.factors).toHaveLength(1);
    expect(result.factors[0]).toMatchObject({ factor, contribution });
    expect(result.factors[0]?.details).toMatch(details);
    expect(result.factors[0]?.details).toMatch(/^[A-Z].*\.$/);
  });

  it('covers every documented factor in the table above', () => {
    expect(alone.map(([factor]) => factor).sort()).toEqual(Object.keys(defaultRiskWeights).sort());
    for (const [factor, , contribution] of alone) expect(defaultRiskWeights[factor]).toBe(contribution);
  });

  it.each([
    ['recently_ported', { portedDaysAgo: 30 }, true],
    ['recently_ported', { portedDaysAgo: 31 }, false],
    ['new_number', { activatedDaysAgo: 30 }, true],
    ['new_number', { activatedDaysAgo: 31 }, false],
    ['recent_sim_swap', { simSwapDaysAgo: 7 }, true],
    ['recent_sim_swap', { simSwapDaysAgo: 8 }, false],
    ['recent_sim_swap', { simSwapDaysAgo: 8, simSwapThresholdDays: 14 }, true],
    ['recent_sim_swap', { simSwapDaysAgo: 2, simSwapThresholdDays: 1 }, false],
    ['recent_sim_swap', { simSwapDaysAgo: null }, false],
    ['recently_ported', { portedDaysAgo: Number.NaN }, false],
    ['recently_ported', { portedDaysAgo: -1 }, true],
  ] as [RiskFactorName, RiskSignals, boolean][])('window of %s: %j → %s', (factor, signals, applies) => {
    const names = assessRisk(signals).factors.map((item) => item.factor);
    expect(names.includes(factor)).toBe(applies);
  });

  it('counts a country mismatch once, against the applicant country or else the request IP country', () => {
    expect(assessRisk({ country: 'GB', ipCountry: 'DE' }).factors).toEqual([
      {
        factor: 'country_mismatch',
        contribution: 15,
        details: 'The number is from GB but the request came from DE.',
      },
    ]);
    expect(assessRisk({ country: 'GB', applicantCountry: 'FR', ipCountry: 'DE' }).risk_score).toBe(15);
    expect(assessRisk({ country: 'GB', applicantCountry: 'GB', ipCountry: 'GB' }).factors).toEqual([]);
    expect(assessRisk({ country: null, applicantCountry: 'FR' }).factors).toEqual([]);
  });

  it('sums combinations and orders factors by contribution, then name', () => {
    const result = assessRisk({ lineType: 'voip', prepaid: true, country: 'US', applicantCountry: 'CA' });
    expect(result.risk_score).toBe(40);
    expect(result.risk_level).toBe('medium');
    expect(result.factors.map((item) => [item.factor, item.contribution])).toEqual([
      ['country_mismatch', 15],
      ['voip_number', 15],
      ['prepaid', 10],
    ]);
  });

  it('caps the score at 100 but still reports every factor', () => {
    const result = assessRisk({
      fraudHistory: true,
      knownFraudCarrier: true,
      simSwapDaysAgo: 1,
      numberRecycled: true,
      lineType: 'premium',
    });
    expect(result.risk_score).toBe(100);
    expect(result.risk_level).toBe('high');
    expect(result.factors.map((item) => item.factor)).toEqual([
      'fraud_history',
      'known_fraud_carrier',
      'recent_sim_swap',
      'number_recycled',
      'premium_rate',
    ]);
  });

  it.each([
    [0, 'low'],
    [29, 'low'],
    [30, 'medium'],
    [59, 'medium'],
    [60, 'high'],
    [100, 'high'],
  ] as const)('level for score %i is %s', (score, level) => {
    expect(riskLevelFor(score)).toBe(level);
  });

  it('reaches the level boundaries 29/30/59/60 through real factor sums', () => {
    // prepaid 10 + new_number 5 + country_mismatch 15 = 30; with weights tuned to 29 and 59.
    const signals: RiskSignals = {
      prepaid: true,
      activatedDaysAgo: 3,
      country: 'GB',
      applicantCountry: 'FR',
    };
    expect(assessRisk(signals).risk_level).toBe('medium');
    expect(assessRisk(signals, { new_number: 4 })).toMatchObject({ risk_score: 29, risk_level: 'low' });
    expect(assessRisk({ fraudHistory: true, portedDaysAgo: 3 })).toMatchObject({
      risk_score: 60,
      risk_level: 'high',
    });
    expect(assessRisk({ fraudHistory: true, portedDaysAgo: 3 }, { recently_ported: 19 })).toMatchObject({
      risk_score: 59,
      risk_level: 'medium',
    });
  });

  it('applies site weight overrides, drops factors weighted 0 and ignores unknown names', () => {
    const result = assessRisk({ lineType: 'voip', prepaid: true }, {
      voip_number: 60,
      prepaid: 0,
      not_a_factor: 99,
    } as Record<string, number>);
    expect(result).toMatchObject({ risk_score: 60, risk_level: 'high' });
    expect(result.factors).toEqual([
      { factor: 'voip_number', contribution: 60, details: 'The number is a VoIP line.' },
    ]);
    // Weighted down to nothing, a VoIP line still keeps its floor.
    expect(assessRisk({ lineType: 'voip' }, { voip_number: 0 })).toEqual({
      risk_score: 0,
      risk_level: 'medium',
      factors: [],
    });
    expect(assessRisk({ prepaid: true }, { prepaid: 250 }).risk_score).toBe(100);
    expect(assessRisk({ prepaid: true }, { prepaid: -5 }).factors).toEqual([]);
  });
});
