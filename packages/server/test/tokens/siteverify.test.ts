import { SiteverifyOutput } from '@proofline/shared';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { type Store, StoreUnavailableError } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { type SiteverifyDeps, siteverify, siteverifyInputFrom, TokenIssuer } from '../../src/tokens/index.js';
import { approvedClaims } from './claims.js';
import { storesUnderTest } from './stores.js';

const sites: Record<string, { siteKey: string }> = {
  sk_test_demo: { siteKey: 'pk_test_demo' },
  sk_test_other: { siteKey: 'pk_test_other' },
};

const stores = storesUnderTest('siteverify');
afterAll(async () => {
  for (const store of stores) await store.cleanup();
});

describe.each(stores)('siteverify on the $name store', (storeUnderTest) => {
  let clock: ManualClock;
  let store: Store;
  let deps: SiteverifyDeps;
  let tokens: TokenIssuer;

  beforeEach(async () => {
    clock = new ManualClock();
    store = storeUnderTest.create(clock);
    tokens = await TokenIssuer.create({ issuer: 'https://proofline.test', clock });
    deps = { store, clock, tokens, findSiteBySecret: (secret) => sites[secret] ?? null };
    return () => store.close();
  });

  it('answers success with the verified facts, once', async () => {
    const response = await tokens.issue(approvedClaims);
    clock.advance(10_000);
    const first = await siteverify({ secret: 'sk_test_demo', response }, deps);
    // Every claim but the audience and the verification id comes back under its own name.
    const { aud: _siteKey, sub: _verificationId, ...claimed } = approvedClaims;
    expect(SiteverifyOutput.parse(first)).toEqual({
      success: true,
      challenge_ts: new Date(clock.now() - 10_000).toISOString(),
      ...claimed,
      risk: { risk_score: 12, risk_level: 'low' },
      // A token from before applicant_id, info_needed and test existed reads as none of them.
      applicant_id: null,
      info_needed: [],
      test: false,
      'error-codes': [],
    });
    const second = await siteverify({ secret: 'sk_test_demo', response }, deps);
    expect(second).toMatchObject({ success: false, phone: null, 'error-codes': ['timeout-or-duplicate'] });
  });

  it('answers the applicant, what rules ask for, and whether a test number was used', async () => {
    const response = await tokens.issue({
      ...approvedClaims,
      method: 'lookup',
      channel: null,
      applicant_id: '550e8400-e29b-41d4-a716-446655440000',
      info_needed: ['Phone verification required'],
      test: true,
    });
    expect(await siteverify({ secret: 'sk_test_demo', response }, deps)).toMatchObject({
      success: true,
      method: 'lookup',
      channel: null,
      applicant_id: '550e8400-e29b-41d4-a716-446655440000',
      info_needed: ['Phone verification required'],
      test: true,
    });
  });

  it('answers each error code Turnstile defines', async () => {
    const response = await tokens.issue(approvedClaims);
    const other = await tokens.issue({ ...approvedClaims, aud: 'pk_test_other' });
    const cases: [unknown, string][] = [
      [null, 'bad-request'],
      [{ secret: 42, response }, 'bad-request'],
      [{ secret: 'sk_test_demo', response: ['a', 'b'] }, 'bad-request'],
      [{ response }, 'missing-input-secret'],
      [{ secret: '', response }, 'missing-input-secret'],
      [{ secret: 'sk_test_unknown', response }, 'invalid-input-secret'],
      [{ secret: 'sk_test_demo' }, 'missing-input-response'],
      [{ secret: 'sk_test_demo', response: '' }, 'missing-input-response'],
      [{ secret: 'sk_test_demo', response: 'garbage' }, 'invalid-input-response'],
      [{ secret: 'sk_test_demo', response: `${response.slice(0, -4)}AAAA` }, 'invalid-input-response'],
      // A token of another site: the other site's token is not this site's to redeem.
      [{ secret: 'sk_test_demo', response: other }, 'invalid-input-response'],
    ];
    for (const [input, code] of cases) {
      const output = await siteverify(input, deps);
      expect(SiteverifyOutput.parse(output), JSON.stringify(input)).toMatchObject({
        success: false,
        'error-codes': [code],
      });
    }
    // None of the refusals above used the token up.
    expect(await siteverify({ secret: 'sk_test_demo', response }, deps)).toMatchObject({ success: true });
    expect(await siteverify({ secret: 'sk_test_other', response: other }, deps)).toMatchObject({
      success: true,
    });
  });

  it('answers timeout-or-duplicate once the token is 300 s old', async () => {
    const response = await tokens.issue(approvedClaims);
    clock.advance(300_000);
    expect(await siteverify({ secret: 'sk_test_demo', response }, deps)).toMatchObject({
      success: false,
      'error-codes': ['timeout-or-duplicate'],
    });
  });

  it('repeats the first answer for the same idempotency_key, even after expiry', async () => {
    const response = await tokens.issue(approvedClaims);
    const input = {
      secret: 'sk_test_demo',
      response,
      idempotency_key: '5f0c3a0e-4f5e-4a43-9a51-0c3ef1d0a8b1',
    };
    const first = await siteverify(input, deps);
    expect(first.success).toBe(true);
    expect(await siteverify(input, deps)).toEqual(first);
    clock.advance(301_000);
    expect(await siteverify(input, deps)).toEqual(first);
    // Another key, or none, is a second redemption.
    expect(await siteverify({ ...input, idempotency_key: 'another' }, deps)).toMatchObject({
      'error-codes': ['timeout-or-duplicate'],
    });
    expect(await siteverify({ secret: 'sk_test_demo', response }, deps)).toMatchObject({
      'error-codes': ['timeout-or-duplicate'],
    });
  });

  it('repeats a failed first answer for the same idempotency_key', async () => {
    const response = await tokens.issue(approvedClaims);
    expect((await siteverify({ secret: 'sk_test_demo', response }, deps)).success).toBe(true);
    const retry = { secret: 'sk_test_demo', response, idempotency_key: 'k1' };
    const first = await siteverify(retry, deps);
    expect(first['error-codes']).toEqual(['timeout-or-duplicate']);
    expect(await siteverify(retry, deps)).toEqual(first);
  });

  it('redeems exactly once under 50 concurrent redemptions', async () => {
    const response = await tokens.issue(approvedClaims);
    const outputs = await Promise.all(
      Array.from({ length: 50 }, () => siteverify({ secret: 'sk_test_demo', response }, deps)),
    );
    expect(outputs.filter((output) => output.success)).toHaveLength(1);
    expect(outputs.filter((output) => output['error-codes'][0] === 'timeout-or-duplicate')).toHaveLength(49);
  });

  it('gives the same success to 50 concurrent retries that share one idempotency_key', async () => {
    const response = await tokens.issue(approvedClaims);
    const input = { secret: 'sk_test_demo', response, idempotency_key: 'same-retry' };
    const outputs = await Promise.all(Array.from({ length: 50 }, () => siteverify(input, deps)));
    expect(outputs.every((output) => output.success)).toBe(true);
  });
});

describe('siteverify when the store fails', () => {
  it('answers internal-error, never success, and reports the failure', async () => {
    const clock = new ManualClock();
    const tokens = await TokenIssuer.create({ issuer: 'https://proofline.test', clock });
    const failing = new MemoryStore(clock);
    failing.setIfAbsentOrGet = async () => {
      throw new StoreUnavailableError(new Error('connection refused'));
    };
    const reported: StoreUnavailableError[] = [];
    const output = await siteverify(
      { secret: 'sk_test_demo', response: await tokens.issue(approvedClaims) },
      {
        store: failing,
        clock,
        tokens,
        findSiteBySecret: (secret) => sites[secret] ?? null,
        onStoreUnavailable: (error) => reported.push(error),
      },
    );
    expect(output).toMatchObject({ success: false, 'error-codes': ['internal-error'] });
    expect(reported).toHaveLength(1);
  });

  it('lets other errors through to the edge', async () => {
    const clock = new ManualClock();
    const tokens = await TokenIssuer.create({ issuer: 'https://proofline.test', clock });
    const broken = new MemoryStore(clock);
    broken.setIfAbsentOrGet = async () => {
      throw new RangeError('bug');
    };
    await expect(
      siteverify(
        { secret: 'sk_test_demo', response: await tokens.issue(approvedClaims) },
        { store: broken, clock, tokens, findSiteBySecret: (secret) => sites[secret] ?? null },
      ),
    ).rejects.toThrow(RangeError);
  });
});

describe('siteverifyInputFrom', () => {
  it('takes the secret from the body (JSON or form) or from Bearer', () => {
    expect(siteverifyInputFrom({ secret: 's', response: 'r' }, undefined)).toEqual({
      secret: 's',
      response: 'r',
    });
    expect(siteverifyInputFrom({ response: 'r' }, 'Bearer sk_test_demo')).toEqual({
      secret: 'sk_test_demo',
      response: 'r',
    });
    expect(siteverifyInputFrom({ secret: 'sk_a', response: 'r' }, 'bearer sk_a')).toEqual({
      secret: 'sk_a',
      response: 'r',
    });
    expect(siteverifyInputFrom(undefined, 'Bearer sk_a')).toEqual({ secret: 'sk_a' });
  });

  it('answers null (bad-request) for a body that is no input or two different secrets', () => {
    expect(siteverifyInputFrom('secret=s', undefined)).toBeNull();
    expect(siteverifyInputFrom([1], undefined)).toBeNull();
    expect(siteverifyInputFrom({ secret: 'sk_a' }, 'Bearer sk_b')).toBeNull();
    expect(siteverifyInputFrom({ secret: 'sk_a' }, 'Basic abc')).toBeNull();
  });
});
