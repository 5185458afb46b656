import {
  type KycField,
  type KycMatchInput,
  type KycMatchOutput,
  type KycPolicy,
  kycFields,
  type NumberRecyclingInput,
  type NumberRecyclingOutput,
  type PortingHistoryOutput,
  type PortingHistoryQuery,
  type RoamingInput,
  type RoamingOutput,
  type SimSwapCheckInput,
  type SimSwapCheckOutput,
} from '@proofline/shared';
import { phone } from '@proofline/shared/phone';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { decideKyc } from './kyc.js';
import { type KycMatchClaims, kycMatchFieldOf, type Operator, OperatorError } from './port.js';

/** The operator-backed checks site backends call over REST (`/v1/phone/…`); answers in docs/design.md's snake_case. */
export type OperatorChecksDeps = { operator: Operator; clock: Clock };

const dayMs = 86_400_000;

export async function simSwapCheck(
  deps: OperatorChecksDeps,
  input: SimSwapCheckInput,
  settings: { sim_swap_threshold_days: number },
): Promise<SimSwapCheckOutput> {
  const phoneNumber = e164(input.phone, input.country);
  const maxAgeHours = input.max_age_hours ?? Math.min(2400, settings.sim_swap_threshold_days * 24);
  const [detected, date] = await fromOperator(() =>
    Promise.all([
      deps.operator.simSwap.check({ phoneNumber, maxAgeHours }),
      deps.operator.simSwap.retrieveDate({ phoneNumber }),
    ]),
  );
  const changedAt = date.latestChange === null ? null : Date.parse(date.latestChange);
  const lastChange = changedAt === null ? null : new Date(changedAt).toISOString().slice(0, 10);
  return {
    phone: phoneNumber,
    sim_swap_detected: detected,
    last_sim_change: lastChange,
    days_since_change:
      changedAt === null ? null : Math.max(0, Math.floor((deps.clock.now() - changedAt) / dayMs)),
    max_age_hours: maxAgeHours,
    risk_assessment: {
      risk_level: detected ? 'high' : 'low',
      details: detected
        ? `The SIM card was changed within the last ${maxAgeHours} hours${lastChange ? ` (on ${lastChange})` : ''}.`
        : `No SIM change within the last ${maxAgeHours} hours.`,
    },
  };
}

export async function numberRecycling(
  deps: OperatorChecksDeps,
  input: NumberRecyclingInput,
): Promise<NumberRecyclingOutput> {
  const phoneNumber = e164(input.phone, input.country);
  const recycled = await fromOperator(() =>
    deps.operator.numberRecycling.check({ phoneNumber, specifiedDate: input.specified_date }),
  );
  return { phone: phoneNumber, specified_date: input.specified_date, recycled };
}

/** KYC Match plus the site's decision: which fields must be `'true'` and which score is close enough. */
export async function kycMatch(
  deps: OperatorChecksDeps,
  input: KycMatchInput,
  policy: KycPolicy,
): Promise<KycMatchOutput> {
  const phoneNumber = e164(input.phone, undefined);
  const claims: KycMatchClaims = {};
  for (const field of kycFields) {
    const value = input[field];
    if (value !== undefined) claims[kycMatchFieldOf(field)] = value;
  }
  const outcome = await fromOperator(() => deps.operator.kycMatch({ phoneNumber, claims }));
  const answer: Record<string, unknown> = { phone: phoneNumber };
  for (const field of kycFields) {
    const result = outcome[kycMatchFieldOf(field)];
    if (input[field] === undefined || result === undefined) continue;
    answer[`${field}_match`] = result.match;
    if (result.match === 'false' && result.score !== undefined) answer[`${field}_match_score`] = result.score;
  }
  answer.decision = decideKyc(outcome, {
    minScore: policy.min_score,
    ...(policy.required_fields
      ? { requiredFields: policy.required_fields.map((field) => kycMatchFieldOf(field as KycField)) }
      : {}),
  });
  return answer as KycMatchOutput;
}

export async function roaming(deps: OperatorChecksDeps, input: RoamingInput): Promise<RoamingOutput> {
  const phoneNumber = e164(input.phone, input.country);
  const status = await fromOperator(() => deps.operator.roamingStatus({ phoneNumber }));
  return {
    phone: phoneNumber,
    roaming: status.roaming,
    country_code: status.countryCode,
    country_names: status.countryNames,
    last_status_time: status.lastStatusTime,
  };
}

export async function portingHistory(
  deps: OperatorChecksDeps,
  input: PortingHistoryQuery,
): Promise<PortingHistoryOutput> {
  const phoneNumber = e164(input.phone, input.country);
  const line = await fromOperator(() => deps.operator.lineInfo({ phoneNumber }));
  if (line === null) {
    throw new ProoflineError('operator_error', 'The operator of this deployment offers no porting records.');
  }
  const now = deps.clock.now();
  const history = line.portingHistory
    .map((port) => ({ port, at: Date.parse(port.portedAt) }))
    .sort((a, b) => b.at - a.at)
    .map(({ port, at }) => ({
      from_carrier: port.fromCarrier,
      to_carrier: port.toCarrier,
      ported_at: new Date(at).toISOString().slice(0, 10),
      days_ago: Math.max(0, Math.floor((now - at) / dayMs)),
    }));
  const latest = history[0]?.days_ago;
  return {
    phone: phoneNumber,
    current_carrier: line.operatorName,
    porting_history: history,
    recently_ported: latest !== undefined && latest <= 90,
    risk_factor: latest === undefined || latest > 90 ? 'low' : latest > 30 ? 'medium' : 'high',
  };
}

function e164(input: string, country: string | undefined): string {
  const parsed = phone.parse(input, country);
  if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
  return parsed.e164;
}

/** Operator refusals in the catalogue's words; the CAMARA code stays in the details for support. */
export async function fromOperator<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OperatorError)) throw error;
    const details = { operator_code: error.code, operator_status: error.status };
    if (error.code === 'IDENTIFIER_NOT_FOUND') {
      throw new ProoflineError('not_found', 'The operator does not know this number.', details, {
        cause: error,
      });
    }
    if (error.code === 'OUT_OF_RANGE' || error.code === 'INVALID_ARGUMENT') {
      throw new ProoflineError('bad_request', error.message, details, { cause: error });
    }
    if (error.transient) {
      throw new ProoflineError(
        'service_unavailable',
        'The mobile operator is not answering; try again later.',
        details,
        {
          cause: error,
          ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
        },
      );
    }
    throw new ProoflineError('operator_error', undefined, details, { cause: error });
  }
}
