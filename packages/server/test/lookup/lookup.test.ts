import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LookupOutput } from '@proofline/shared';
import { deserialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import {
  type LookupLineInfo,
  lookupPhone,
  prefixDataDirectory,
  voipCarriers,
  voipProviderOf,
} from '../../src/lookup/index.js';
import { lookupFacts } from '../../src/rules/index.js';

const now = Date.UTC(2026, 11, 1, 12, 0, 0);
const clock = new ManualClock(now);
const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();

// Real numbers from shared/reference/test-numbers.md, offline (no operator): type, country,
// calling code, carrier (range holder) and region as Google's data has them.
const table: [string, string, string, string, string | null, string | null][] = [
  ['+447400123456', 'mobile', 'GB', '44', 'Three', null],
  ['+441212345678', 'landline', 'GB', '44', null, 'Birmingham'],
  ['+445612345678', 'voip', 'GB', '44', null, null],
  ['+448001234567', 'toll_free', 'GB', '44', null, null],
  ['+449012345678', 'premium', 'GB', '44', null, null],
  ['+447012345678', 'virtual', 'GB', '44', null, null],
  ['+12015550123', 'mobile', 'US', '1', null, 'New Jersey'],
  ['+18002345678', 'toll_free', 'US', '1', null, null],
  ['+19002345678', 'premium', 'US', '1', null, null],
  ['+16002012345', 'voip', 'CA', '1', null, null],
  ['+34612345678', 'mobile', 'ES', '34', 'Syma', null],
  ['+34810123456', 'landline', 'ES', '34', null, 'Madrid'],
  ['+34901123456', 'shared_cost', 'ES', '34', null, null],
  ['+33612345678', 'mobile', 'FR', '33', 'SFR', null],
  ['+33912345678', 'voip', 'FR', '33', null, null],
  ['+33891123456', 'premium', 'FR', '33', null, null],
  ['+4915123456789', 'mobile', 'DE', '49', 'T-Mobile', null],
  ['+4930123456', 'landline', 'DE', '49', null, 'Berlin'],
  ['+498001234567890', 'toll_free', 'DE', '49', null, null],
  ['+390212345678', 'landline', 'IT', '39', null, 'Milan'],
  ['+395512345678', 'voip', 'IT', '39', null, null],
  ['+31612345678', 'mobile', 'NL', '31', 'KPN', null],
  ['+31851234567', 'voip', 'NL', '31', null, null],
  ['+3280012345', 'toll_free', 'BE', '32', null, null],
  ['+351912345678', 'mobile', 'PT', '351', 'Vodafone', null],
  ['+351301234567', 'voip', 'PT', '351', null, null],
  ['+353850123456', 'mobile', 'IE', '353', 'Meteor', null],
  ['+3531800123456', 'toll_free', 'IE', '353', null, null],
  ['+46701234567', 'mobile', 'SE', '46', 'SPINBOX AB', null],
  ['+48123456789', 'landline', 'PL', '48', null, 'Kraków'],
  ['+41781234567', 'mobile', 'CH', '41', 'Salt', null],
  ['+43664123456', 'mobile', 'AT', '43', 'A1 TA', null],
  ['+5511961234567', 'mobile', 'BR', '55', null, 'São Paulo'],
  ['+528001234567', 'toll_free', 'MX', '52', null, null],
  ['+918123456789', 'mobile', 'IN', '91', 'Tata Docomo', null],
  ['+2348021234567', 'mobile', 'NG', '234', 'Airtel', null],
  ['+27871234567', 'voip', 'ZA', '27', null, null],
  ['+254712123456', 'mobile', 'KE', '254', 'Safaricom', null],
  ['+61412345678', 'mobile', 'AU', '61', 'Optus', null],
  ['+61147101234', 'voip', 'AU', '61', null, null],
  ['+819012345678', 'mobile', 'JP', '81', 'KDDI', null],
  ['+815012345678', 'voip', 'JP', '81', null, null],
  ['+6581234567', 'mobile', 'SG', '65', 'SingTel', null],
  ['+971501234567', 'mobile', 'AE', '971', 'Etisalat', null],
  ['+97221234567', 'landline', 'IL', '972', null, 'Jerusalem'],
  ['+908500123456', 'voip', 'TR', '90', null, null],
  ['+62812345678', 'mobile', 'ID', '62', 'Telkomsel', null],
];

const risky: Record<string, [string, number]> = {
  voip: ['voip_number', 15],
  premium: ['premium_rate', 30],
  virtual: ['virtual_number', 20],
};

describe('lookupPhone from offline prefix data', () => {
  it(`answers real numbers of ${new Set(table.map((row) => row[2])).size} countries right`, async () => {
    for (const [phone, type, country, countryCode, carrier, region] of table) {
      const { output } = await lookupPhone({ phone }, { clock });
      expect(LookupOutput.parse(output)).toEqual(output);
      expect({ phone, type: output.type, country: output.location.country }).toEqual({
        phone,
        type,
        country,
      });
      expect(output).toMatchObject({
        phone,
        valid: true,
        carrier: { name: carrier, type },
        location: { country, country_code: countryCode, region },
        line_status: 'unknown',
        ported: null,
        roaming: null,
        porting_history: [],
        source: 'prefix_data',
      });
      const factor = risky[type];
      expect(output.risk_assessment.factors.map((item) => [item.factor, item.contribution])).toEqual(
        factor ? [factor] : [],
      );
    }
  });

  it('takes national numbers with a country and E.164 without +', async () => {
    expect((await lookupPhone({ phone: '07400 123456', country: 'GB' }, { clock })).output.phone).toBe(
      '+447400123456',
    );
    expect((await lookupPhone({ phone: '447400123456' }, { clock })).e164).toBe('+447400123456');
  });

  it('answers a possible but unassigned number as not valid, and refuses what is not a number', async () => {
    const { output } = await lookupPhone({ phone: '+447700900123' }, { clock });
    expect(output).toMatchObject({ valid: false, type: 'unknown', carrier: { name: null } });
    await expect(lookupPhone({ phone: 'hello' }, { clock })).rejects.toMatchObject({
      code: 'invalid_phone',
      details: { reason: 'NOT_A_NUMBER' },
    });
    await expect(lookupPhone({ phone: '+44123' }, { clock })).rejects.toMatchObject({
      code: 'invalid_phone',
    });
  });

  it('flags a country mismatch against the applicant country and the request IP country', async () => {
    const applicant = await lookupPhone({ phone: '+447400123456', applicant_country: 'FR' }, { clock });
    expect(applicant.output.risk_assessment).toMatchObject({ risk_score: 15, risk_level: 'low' });
    const ip = await lookupPhone({ phone: '+447400123456' }, { clock }, { ipCountry: 'NG' });
    expect(ip.output.risk_assessment.factors[0]?.factor).toBe('country_mismatch');
    expect(lookupFacts(ip)).toMatchObject({ ip_country: 'NG', risk_factors: ['country_mismatch'] });
  });

  it('treats numbers in ranges of VoIP providers as VoIP (Onvoy in the US, Twilio in France)', async () => {
    const onvoy = await lookupPhone({ phone: '+16592001234' }, { clock });
    expect(onvoy.output).toMatchObject({ type: 'voip', carrier: { name: 'Onvoy', type: 'voip' } });
    expect(lookupFacts(onvoy)).toMatchObject({ phone_type: 'voip', voip_carrier: true });
    const twilio = await lookupPhone({ phone: '+33757591234' }, { clock });
    expect(twilio.output).toMatchObject({ type: 'voip', carrier: { name: 'Twilio Ireland Limited' } });
    expect(twilio.output.risk_assessment.factors.map((item) => item.factor)).toEqual(['voip_number']);
  });
});

const line = (overrides: Partial<LookupLineInfo> = {}): LookupLineInfo => ({
  source: 'operator',
  operatorName: 'Three',
  network: '23420',
  lineType: 'mobile',
  lineStatus: 'active',
  prepaid: false,
  ported: false,
  portingHistory: [],
  fraudHistory: false,
  ...overrides,
});

describe('lookupPhone with an operator', () => {
  it('prefers what the operator knows: carrier, network, status, porting, roaming', async () => {
    const result = await lookupPhone(
      { phone: '+447400123456' },
      {
        clock,
        lineInfo: async () =>
          line({
            operatorName: 'Vodafone UK',
            network: '23415',
            ported: true,
            prepaid: true,
            portingHistory: [
              { fromCarrier: 'EE', toCarrier: 'Three', portedAt: daysAgo(400) },
              { fromCarrier: 'Three', toCarrier: 'Vodafone UK', portedAt: daysAgo(10) },
            ],
          }),
        roaming: async () => true,
      },
    );
    expect(result.output).toMatchObject({
      carrier: { name: 'Vodafone UK', type: 'mobile', network: '23415' },
      line_status: 'active',
      ported: true,
      roaming: true,
      prepaid: true,
      source: 'operator',
      porting_history: [
        { from_carrier: 'Three', to_carrier: 'Vodafone UK', days_ago: 10 },
        { from_carrier: 'EE', to_carrier: 'Three', days_ago: 400 },
      ],
    });
    expect(result.output.risk_assessment).toEqual({
      risk_score: 30,
      risk_level: 'medium',
      factors: [
        {
          factor: 'recently_ported',
          contribution: 20,
          details: 'The number was ported to another carrier 10 days ago.',
        },
        { factor: 'prepaid', contribution: 10, details: 'The line is prepaid.' },
      ],
    });
    expect(lookupFacts(result)).toMatchObject({
      network: '23415',
      days_since_port: 10,
      ported: true,
      roaming: true,
    });
  });

  it('scores SIM swap, new line, recycling, fraud history and a fraud network; honours site weights', async () => {
    const deps = {
      clock,
      lineInfo: async () => line({ fraudHistory: true, lineType: 'fixedVoip' }),
      simSwapDate: async () => daysAgo(2),
      activatedAt: async () => daysAgo(5),
      recycled: async () => true,
      knownFraudCarrier: async ({ network }: { network: string | null }) => network === '23420',
    };
    const looked = await lookupPhone({ phone: '+447400123456' }, deps);
    const { output } = looked;
    expect(output.type).toBe('voip');
    expect(output.risk_assessment.risk_score).toBe(100);
    expect(output.risk_assessment.factors.map((item) => item.factor)).toEqual([
      'fraud_history',
      'known_fraud_carrier',
      'recent_sim_swap',
      'number_recycled',
      'voip_number',
      'new_number',
    ]);
    expect(lookupFacts(looked)).toMatchObject({
      sim_swap_days_ago: 2,
      days_since_activation: 5,
      number_recycled: true,
    });

    const tuned = await lookupPhone({ phone: '+447400123456' }, deps, {
      simSwapThresholdDays: 1,
      riskWeights: { fraud_history: 0, known_fraud_carrier: 0, number_recycled: 0 },
    });
    // voip 15 + new_number 5 = 20 scores low, but a VoIP line is at least medium.
    expect(tuned.output.risk_assessment).toMatchObject({ risk_score: 20, risk_level: 'medium' });
  });

  it('calls a carrier that is neither the range holder nor explained by a port unusual', async () => {
    const odd = await lookupPhone(
      { phone: '+447400123456' },
      { clock, lineInfo: async () => line({ operatorName: 'Acme Mobile' }) },
    );
    expect(odd.output.risk_assessment.factors.map((item) => item.factor)).toEqual(['unusual_carrier']);
    const same = await lookupPhone(
      { phone: '+447400123456' },
      { clock, lineInfo: async () => line({ operatorName: 'Three UK' }) },
    );
    expect(same.output.risk_assessment.factors).toEqual([]);
  });

  it('falls back to prefix data when the operator does not know the line or fails', async () => {
    for (const lineInfo of [async () => null, async () => Promise.reject(new Error('operator down'))]) {
      const { output } = await lookupPhone(
        { phone: '+447400123456' },
        { clock, lineInfo, roaming: lineInfo },
      );
      expect(output).toMatchObject({ source: 'prefix_data', carrier: { name: 'Three' }, roaming: null });
    }
  });

  it('reads operator line types in their various spellings', async () => {
    for (const [lineType, type] of [
      ['FIXED_LINE', 'landline'],
      ['nonFixedVoip', 'voip'],
      ['tollFree', 'toll_free'],
      ['personal', 'virtual'],
      ['something new', 'mobile'],
    ]) {
      const { output } = await lookupPhone(
        { phone: '+447400123456' },
        { clock, lineInfo: async () => line({ lineType }) },
      );
      expect([lineType, output.type]).toEqual([lineType, type]);
    }
  });
});

describe('the VoIP carrier list', () => {
  const prefixNames = new Set<string>();
  const dir = join(prefixDataDirectory, 'carrier', 'en');
  for (const file of readdirSync(dir)) {
    for (const name of Object.values(deserialize(readFileSync(join(dir, file))) as Record<string, string>)) {
      prefixNames.add(name);
    }
  }

  it('names the documented providers', () => {
    const providers = voipCarriers.map((entry) => entry.provider);
    for (const name of ['Google Voice', 'Skype', 'TextNow', 'Burner', 'Hushed', 'Twilio', 'Bandwidth']) {
      expect(providers).toContain(name);
    }
  });

  it.each(voipCarriers.map((entry) => [entry.provider, entry] as const))(
    '%s: every spelling listed exists in the prefix data and maps back to it',
    (provider, entry) => {
      for (const name of entry.prefixData) {
        expect(prefixNames.has(name), `${name} in prefix data`).toBe(true);
        expect(voipProviderOf(name)).toBe(provider);
      }
      for (const fragment of entry.match) expect(voipProviderOf(fragment)).toBe(provider);
    },
  );

  it('matches no other carrier of the prefix data than the spellings it lists', () => {
    const listed = new Set(voipCarriers.flatMap((entry) => entry.prefixData));
    const matched = [...prefixNames].filter((name) => voipProviderOf(name) !== null);
    expect(matched.sort()).toEqual([...listed].sort());
  });

  it('matches whole words only', () => {
    expect(voipProviderOf('Bandwidth.com CLEC')).toBe('Bandwidth');
    expect(voipProviderOf('Google Voice')).toBe('Google Voice');
    expect(voipProviderOf('Google Fi')).toBeNull();
    expect(voipProviderOf('Skyper Telecom')).toBeNull();
    expect(voipProviderOf(null)).toBeNull();
  });
});
