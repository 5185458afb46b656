import type { LineStatus, LookupInput, LookupOutput, PhoneType, PortingEvent } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import { assessRisk, type RiskSignals, type RiskWeights } from '../risk/index.js';
import { offlinePrefixData, type PrefixData } from './prefix-data.js';
import { metadataType, readPhone } from './validate.js';
import { voipProviderOf } from './voip-carriers.js';

/**
 * What a line-information source says, as far as lookup reads it: the operator's `lineInfo`
 * (operator/port.ts) knows every fact; Twilio and Vonage only some (null: not said).
 */
export type LookupLineInfo = {
  source: 'operator' | 'twilio' | 'vonage';
  operatorName: string | null;
  network: string | null;
  lineType: string | null;
  lineStatus: 'active' | 'inactive' | 'suspended' | null;
  prepaid: boolean | null;
  ported: boolean | null;
  portingHistory: readonly { fromCarrier: string; toCarrier: string; portedAt: string }[];
  fraudHistory: boolean | null;
};

/**
 * Where lookup learns about a line. Every source is optional and may fail: lookup is advice before
 * a verification, so a source that cannot answer leaves its facts unknown instead of failing it.
 */
export type LookupDeps = {
  clock: Clock;
  /** The operator's line-info (number portability / line status); null when it does not know the line. */
  lineInfo?: (e164: string) => Promise<LookupLineInfo | null>;
  /** ISO 8601 time of the latest SIM change, null when not disclosed. */
  simSwapDate?: (e164: string) => Promise<string | null>;
  /** ISO 8601 time the line was activated. */
  activatedAt?: (e164: string) => Promise<string | null>;
  roaming?: (e164: string) => Promise<boolean | null>;
  /** Whether the number changed subscriber since the applicant last proved it (the caller knows when). */
  recycled?: (e164: string) => Promise<boolean | null>;
  /** Whether the network or carrier is known for fraudulent traffic (e.g. blocked for this site). */
  knownFraudCarrier?: (line: { network: string | null; carrierName: string | null }) => Promise<boolean>;
  prefixData?: PrefixData;
};

/** The site's and request's context of a lookup. */
export type LookupContext = {
  ipCountry?: string | null;
  riskWeights?: RiskWeights;
  simSwapThresholdDays?: number;
};

export type PhoneLookup = {
  /** The `POST /v1/phone/lookup` answer. */
  output: LookupOutput;
  e164: string;
  /** The signals the risk assessment used, for flows that add their own (and the rules' facts). */
  signals: RiskSignals;
  /**
   * The operator network the line source named (null: it knew the line but named none); absent
   * when no source knew the line. The start hands it to the fraud gate instead of a second ask.
   */
  network?: { network: string; operatorName: string | null } | null;
};

const dayMs = 86_400_000;
let sharedPrefixData: PrefixData | undefined;

function daysSince(iso: string | null | undefined, nowMs: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : Math.max(0, Math.floor((nowMs - at) / dayMs));
}

const operatorTypes: Record<string, PhoneType> = {
  mobile: 'mobile',
  landline: 'landline',
  fixed: 'landline',
  fixed_line: 'landline',
  fixed_line_or_mobile: 'mobile',
  voip: 'voip',
  fixed_voip: 'voip',
  fixedvoip: 'voip',
  non_fixed_voip: 'voip',
  nonfixedvoip: 'voip',
  toll_free: 'toll_free',
  tollfree: 'toll_free',
  premium: 'premium',
  premium_rate: 'premium',
  shared_cost: 'shared_cost',
  sharedcost: 'shared_cost',
  virtual: 'virtual',
  personal: 'virtual',
  personal_number: 'virtual',
  pager: 'pager',
  uan: 'uan',
  voicemail: 'voicemail',
};

/** Operators name line types their own way (`fixedVoip`, `FIXED_LINE`, …); unknown names yield null. */
function operatorType(lineType: string): PhoneType | null {
  const key = lineType
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return operatorTypes[key] ?? null;
}

const comparable = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** A current carrier that is neither the range holder nor explained by a port is worth a look. */
function carrierUnexpected(line: LookupLineInfo | null, rangeHolder: string | null): boolean {
  if (!line?.operatorName || !rangeHolder || line.ported || line.portingHistory.length > 0) return false;
  const [current, holder] = [comparable(line.operatorName), comparable(rangeHolder)];
  return current !== '' && holder !== '' && !current.includes(holder) && !holder.includes(current);
}

async function attempt<T>(
  source: ((e164: string) => Promise<T>) | undefined,
  e164: string,
): Promise<T | null> {
  if (!source) return null;
  try {
    return await source(e164);
  } catch {
    return null;
  }
}

/** The facts of a line's optional sources (lookup's `simSwapDate`, `activatedAt`, `roaming`, `recycled`). */
export type LineFacts = Required<
  Pick<RiskSignals, 'simSwapDaysAgo' | 'activatedDaysAgo' | 'numberRecycled'>
> & {
  roaming: boolean | null;
};

const unknownFacts: LineFacts = {
  simSwapDaysAgo: null,
  activatedDaysAgo: null,
  numberRecycled: null,
  roaming: null,
};

/**
 * Asks the optional sources it is given, all at once: the start's lookup, and the approval for
 * the facts a start left for it. A source that is absent or fails leaves its fact unknown.
 */
export async function askLineFacts(
  sources: Pick<LookupDeps, 'simSwapDate' | 'activatedAt' | 'roaming' | 'recycled'>,
  e164: string,
  nowMs: number,
): Promise<LineFacts> {
  const [simSwapDate, activatedAt, roaming, recycled] = await Promise.all([
    attempt(sources.simSwapDate, e164),
    attempt(sources.activatedAt, e164),
    attempt(sources.roaming, e164),
    attempt(sources.recycled, e164),
  ]);
  return {
    simSwapDaysAgo: daysSince(simSwapDate, nowMs),
    activatedDaysAgo: daysSince(activatedAt, nowMs),
    numberRecycled: recycled,
    roaming,
  };
}

/**
 * `POST /v1/phone/lookup`: line type, carrier, location, line status, porting and roaming — from
 * the operator when it knows the line, else from offline prefix data — and the risk assessment.
 * A text that is not even a possible number is `invalid_phone`; a possible but unassigned one is
 * answered with `valid: false`.
 */
export async function lookupPhone(
  input: LookupInput,
  deps: LookupDeps,
  context: LookupContext = {},
): Promise<PhoneLookup> {
  const parsed = readPhone(input.phone, input.country);
  if (!parsed.number) {
    throw new ProoflineError('invalid_phone', undefined, { reason: parsed.error ?? 'NOT_A_NUMBER' });
  }
  const number = parsed.number;
  const e164 = number.number;
  const nowMs = deps.clock.now();
  sharedPrefixData ??= offlinePrefixData();
  const prefixData = deps.prefixData ?? sharedPrefixData;
  const key = { callingCode: number.countryCallingCode, nationalNumber: number.nationalNumber };

  // As libphonenumber's own mappers: only mobile-like ranges have a carrier, only geographic ones a
  // region (the tables hold stale entries for toll-free and premium ranges).
  const rangeType = metadataType(number);
  const mobileLike = rangeType === 'mobile' || rangeType === 'pager' || rangeType === 'voip';
  const geographic = rangeType === 'mobile' || rangeType === 'landline';

  const [line, rangeHolder, region, facts] = await Promise.all([
    parsed.valid ? attempt(deps.lineInfo, e164) : null,
    parsed.valid && mobileLike ? prefixData.carrier(key) : null,
    parsed.valid && geographic ? prefixData.region(key) : null,
    parsed.valid ? askLineFacts(deps, e164, nowMs) : unknownFacts,
  ]);

  const carrierName = line?.operatorName ?? rangeHolder;
  const network = line?.network ?? null;
  const voipProvider = voipProviderOf(carrierName) ?? voipProviderOf(rangeHolder);
  let type: PhoneType = parsed.valid
    ? ((line?.lineType ? operatorType(line.lineType) : null) ?? metadataType(number))
    : 'unknown';
  // A number run by a VoIP provider is VoIP even when its range is a mobile or geographic one.
  if (voipProvider && (type === 'mobile' || type === 'landline' || type === 'unknown')) type = 'voip';

  const porting: PortingEvent[] = (line?.portingHistory ?? [])
    .map((port) => ({
      from_carrier: port.fromCarrier,
      to_carrier: port.toCarrier,
      ported_at: port.portedAt,
      days_ago: daysSince(port.portedAt, nowMs) ?? 0,
    }))
    .sort((a, b) => a.days_ago - b.days_ago);
  const lineStatus: LineStatus = line?.lineStatus ?? 'unknown';
  const country = number.country ?? null;
  const knownFraudCarrier = deps.knownFraudCarrier
    ? await deps.knownFraudCarrier({ network, carrierName }).catch(() => false)
    : false;

  const signals: RiskSignals = {
    lineType: type,
    voipProvider,
    fraudHistory: line?.fraudHistory ?? null,
    carrierName,
    knownFraudCarrier,
    unusualCarrier: carrierUnexpected(line, rangeHolder),
    portedDaysAgo: porting[0]?.days_ago ?? null,
    country,
    applicantCountry: input.applicant_country ?? null,
    ipCountry: context.ipCountry ?? null,
    prepaid: line?.prepaid ?? null,
    activatedDaysAgo: facts.activatedDaysAgo,
    simSwapDaysAgo: facts.simSwapDaysAgo,
    ...(context.simSwapThresholdDays === undefined
      ? {}
      : { simSwapThresholdDays: context.simSwapThresholdDays }),
    numberRecycled: facts.numberRecycled,
  };
  const risk = assessRisk(signals, context.riskWeights);

  const output: LookupOutput = {
    phone: e164,
    valid: parsed.valid,
    type,
    carrier: { name: carrierName, type, ...(network ? { network } : {}) },
    location: { country, country_code: number.countryCallingCode, region },
    risk_assessment: risk,
    line_status: lineStatus,
    ported: line ? porting.length > 0 || line.ported : null,
    roaming: facts.roaming,
    porting_history: porting,
    prepaid: line?.prepaid ?? null,
    source: line ? line.source : 'prefix_data',
  };

  if (!line) return { output, e164, signals };
  const named = line.network ? { network: line.network, operatorName: line.operatorName } : null;
  return { output, e164, signals, network: named };
}
