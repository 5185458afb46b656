import { z } from 'zod';
import type { Clock } from '../../clock/index.js';
import {
  type AgeVerificationInput,
  type KycMatchOutcome,
  kycMatchFields,
  type Operator,
  type SwapApi,
} from '../port.js';
import { createCaller } from './caller.js';
import { type CamaraOperatorConfig, resolveCamaraConfig, scopeString } from './config.js';
import { type FetchLike, fetchTransport, type Transport } from './http.js';
import { camaraSubscriptions } from './subscriptions.js';
import { TokenClient } from './tokens.js';

const MatchResult = z.enum(['true', 'false', 'not_available']);
const DateTime = z.string().min(1);
const answers = {
  verified: z.object({ devicePhoneNumberVerified: z.boolean() }),
  devicePhoneNumber: z.object({ devicePhoneNumber: z.string() }),
  swapped: z.object({ swapped: z.boolean() }),
  simSwapDate: z.object({
    latestSimChange: DateTime.nullable(),
    monitoredPeriod: z.number().int().optional(),
  }),
  deviceSwapDate: z.object({
    latestDeviceChange: DateTime.nullable(),
    monitoredPeriod: z.number().int().optional(),
  }),
  recycled: z.object({ phoneNumberRecycled: z.boolean() }),
  kycMatch: z.record(z.string(), z.union([MatchResult, z.number().int()])),
  tenure: z.object({
    tenureDateCheck: z.boolean(),
    contractType: z.enum(['PAYG', 'PAYM', 'Business']).optional(),
  }),
  age: z.object({
    ageCheck: MatchResult,
    verifiedStatus: z.boolean().optional(),
    identityMatchScore: z.number().int().optional(),
    contentLock: MatchResult.optional(),
    parentalControl: MatchResult.optional(),
  }),
  roaming: z.object({
    roaming: z.boolean(),
    lastStatusTime: DateTime,
    countryCode: z.number().int().optional(),
    countryName: z.array(z.string()).optional(),
  }),
  reachability: z.object({
    reachable: z.boolean(),
    lastStatusTime: DateTime,
    connectivity: z.array(z.enum(['DATA', 'SMS'])).optional(),
  }),
  unconditional: z.object({ active: z.boolean() }),
  forwardings: z.array(
    z.enum([
      'inactive',
      'unconditional',
      'conditional_busy',
      'conditional_not_reachable',
      'conditional_no_answer',
    ]),
  ),
  lineInfo: z.object({
    operatorName: z.string(),
    network: z.string(),
    lineType: z.string(),
    lineStatus: z.enum(['active', 'inactive', 'suspended']),
    prepaid: z.boolean(),
    ported: z.boolean(),
    portingHistory: z.array(
      z.object({ fromCarrier: z.string(), toCarrier: z.string(), portedAt: z.string() }),
    ),
    fraudHistory: z.boolean(),
  }),
};

export type CamaraOperatorDeps = {
  clock: Clock;
  /** The HTTP client of the calls (`keepAliveTransport` in production); else `fetch`. */
  transport?: Transport;
  /** A fetch to call through when there is no `transport`; else the global fetch. */
  fetch?: FetchLike;
};

/** The operator port over CAMARA HTTP APIs, for one deployment's operator or aggregator. */
export function createCamaraOperator(config: CamaraOperatorConfig, deps: CamaraOperatorDeps): Operator {
  const resolved = resolveCamaraConfig(config);
  const transport = deps.transport ?? fetchTransport(deps.fetch ?? ((url, init) => fetch(url, init)));
  const tokens = new TokenClient(resolved, deps.clock, transport);
  const call = createCaller(resolved, tokens, transport);

  const swap = (api: 'simSwap' | 'deviceSwap'): SwapApi => ({
    async check({ phoneNumber, maxAgeHours }) {
      const body = maxAgeHours === undefined ? { phoneNumber } : { phoneNumber, maxAge: maxAgeHours };
      const answer = await call.twoLegged(api, '/check', `${api}.check`, body, answers.swapped);
      return answer.swapped;
    },
    async retrieveDate({ phoneNumber }) {
      if (api === 'simSwap') {
        const answer = await call.twoLegged(
          api,
          '/retrieve-date',
          'simSwap.retrieveDate',
          { phoneNumber },
          answers.simSwapDate,
        );
        return { latestChange: answer.latestSimChange, monitoredPeriodDays: answer.monitoredPeriod ?? null };
      }
      const answer = await call.twoLegged(
        api,
        '/retrieve-date',
        'deviceSwap.retrieveDate',
        { phoneNumber },
        answers.deviceSwapDate,
      );
      return { latestChange: answer.latestDeviceChange, monitoredPeriodDays: answer.monitoredPeriod ?? null };
    },
  });

  const numberVerification: Operator['numberVerification'] = {
    authorizeUrl({ redirectUri, state, codeChallenge, loginHint }) {
      const url = new URL(resolved.authorizeUrl);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', resolved.clientId);
      url.searchParams.set('scope', scopeString(resolved, ['numberVerification.verify'], true));
      url.searchParams.set('redirect_uri', redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('code_challenge', codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
      // Number verification promises no user interaction; say so rather than rely on the operator.
      url.searchParams.set('prompt', 'none');
      if (loginHint) url.searchParams.set('login_hint', loginHint);
      return url.toString();
    },
    exchangeCode: (input) => tokens.exchangeCode(input),
    async verify(token, subject) {
      const answer = await call.withToken('numberVerification', '/verify', token, subject, answers.verified);
      return answer.devicePhoneNumberVerified;
    },
    async devicePhoneNumber(token) {
      const answer = await call.withToken(
        'numberVerification',
        '/device-phone-number',
        token,
        undefined,
        answers.devicePhoneNumber,
      );
      return answer.devicePhoneNumber;
    },
    async exchangeAndVerify({ code, redirectUri, codeVerifier, subject }) {
      const token = await tokens.exchangeCode({ code, redirectUri, codeVerifier });
      return numberVerification.verify(token, subject);
    },
  };

  return {
    numberVerification,
    simSwap: swap('simSwap'),
    deviceSwap: swap('deviceSwap'),
    numberRecycling: {
      async check({ phoneNumber, specifiedDate }) {
        const answer = await call.twoLegged(
          'numberRecycling',
          '/check',
          'numberRecycling.check',
          { phoneNumber, specifiedDate },
          answers.recycled,
        );
        return answer.phoneNumberRecycled;
      },
    },
    async kycMatch({ phoneNumber, claims }) {
      const answer = await call.twoLegged(
        'kycMatch',
        '/match',
        'kycMatch.match',
        { phoneNumber, ...claims },
        answers.kycMatch,
      );
      const outcome: KycMatchOutcome = {};
      for (const field of kycMatchFields) {
        const match = answer[`${field}Match`];
        if (typeof match !== 'string') continue;
        const score = answer[`${field}MatchScore`];
        outcome[field] = typeof score === 'number' && match === 'false' ? { match, score } : { match };
      }
      return outcome;
    },
    async kycTenure({ phoneNumber, tenureDate }) {
      const answer = await call.twoLegged(
        'kycTenure',
        '/check-tenure',
        'kycTenure.check',
        { phoneNumber, tenureDate },
        answers.tenure,
      );
      return { tenureDateCheck: answer.tenureDateCheck, contractType: answer.contractType ?? null };
    },
    async ageVerification(input: AgeVerificationInput) {
      const answer = await call.twoLegged(
        'ageVerification',
        '/verify',
        'ageVerification.verify',
        input,
        answers.age,
      );
      return {
        ageCheck: answer.ageCheck,
        verifiedStatus: answer.verifiedStatus ?? null,
        identityMatchScore: answer.identityMatchScore ?? null,
        contentLock: answer.contentLock ?? null,
        parentalControl: answer.parentalControl ?? null,
      };
    },
    async roamingStatus({ phoneNumber }) {
      const answer = await call.twoLegged(
        'roamingStatus',
        '/retrieve',
        'roamingStatus.read',
        { device: { phoneNumber } },
        answers.roaming,
      );
      return {
        roaming: answer.roaming,
        countryCode: answer.roaming ? (answer.countryCode ?? null) : null,
        countryNames: answer.roaming ? (answer.countryName ?? []) : [],
        lastStatusTime: answer.lastStatusTime,
      };
    },
    async reachabilityStatus({ phoneNumber }) {
      const answer = await call.twoLegged(
        'reachabilityStatus',
        '/retrieve',
        'reachabilityStatus.read',
        { device: { phoneNumber } },
        answers.reachability,
      );
      return {
        reachable: answer.reachable,
        connectivity: answer.connectivity ?? [],
        lastStatusTime: answer.lastStatusTime,
      };
    },
    callForwarding: {
      async unconditional({ phoneNumber }) {
        const answer = await call.twoLegged(
          'callForwarding',
          '/unconditional-call-forwardings',
          'callForwarding.unconditional',
          { phoneNumber },
          answers.unconditional,
        );
        return answer.active;
      },
      services: ({ phoneNumber }) =>
        call.twoLegged(
          'callForwarding',
          '/call-forwardings',
          'callForwarding.services',
          { phoneNumber },
          answers.forwardings,
        ),
    },
    async lineInfo({ phoneNumber }) {
      if (resolved.paths.lineInfo === null) return null;
      return call.twoLegged('lineInfo', '/retrieve', 'lineInfo.read', { phoneNumber }, answers.lineInfo);
    },
    subscriptions: camaraSubscriptions(call),
  };
}
