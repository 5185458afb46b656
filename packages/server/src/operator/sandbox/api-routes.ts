import { IdDocumentType } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { jaroWinkler, normalizeKycText } from '../kyc.js';
import { hashPhoneNumber } from '../pkce.js';
import { type KycMatchField, kycMatchFields } from '../port.js';
import { CamaraFailure, failures } from './failure.js';
import { matchKyc, snakeCase } from './kyc-match.js';
import { countriesOfMcc, mccOf } from './mcc.js';
import { camaraRoute, e164Pattern, isoInstant, subjectNumber, today } from './route.js';
import { apiBase, type SandboxDialect } from './scopes.js';
import type { SandboxState } from './state.js';
import type { Subscriber } from './subscriber.js';

const PhoneNumber = z.string().regex(e164Pattern, 'must be E.164 with a leading +');
const CalendarDate = z.iso.date();
const Email = z.email();
const hour = 3_600_000;
const day = 24 * hour;

/** maxAge: a wrong type is INVALID_ARGUMENT, an integer outside 1–2400 is OUT_OF_RANGE (the Gherkin tests). */
const SwapCheckBody = z.object({ phoneNumber: PhoneNumber.optional(), maxAge: z.number().int().optional() });
const PhoneOnlyBody = z.object({ phoneNumber: PhoneNumber.optional() });

const Ipv4 = z.object({
  publicAddress: z.ipv4(),
  privateAddress: z.ipv4().optional(),
  publicPort: z.number().int().min(0).max(65_535).optional(),
});
const Device = z
  .object({
    phoneNumber: PhoneNumber.optional(),
    networkAccessIdentifier: z.string().optional(),
    ipv4Address: Ipv4.refine((ip) => ip.privateAddress !== undefined || ip.publicPort !== undefined, {
      message: 'needs privateAddress or publicPort',
    }).optional(),
    ipv6Address: z.ipv6().optional(),
  })
  .refine((device) => Object.values(device).some((value) => value !== undefined), {
    message: 'device needs at least one identifier',
  });
const DeviceBody = z.object({ device: Device.optional() });

const kycTextFields = kycMatchFields.filter(
  (field) => !['idDocumentType', 'idDocumentExpiryDate', 'birthdate', 'email', 'gender'].includes(field),
);
const KycMatchBody = z.object({
  phoneNumber: PhoneNumber.optional(),
  ...Object.fromEntries(kycTextFields.map((field) => [field, z.string().optional()])),
  idDocumentType: IdDocumentType.optional(),
  idDocumentExpiryDate: CalendarDate.optional(),
  birthdate: CalendarDate.optional(),
  email: Email.optional(),
  gender: z.enum(['MALE', 'FEMALE', 'OTHER']).optional(),
});

const AgeBody = z.object({
  ageThreshold: z.number().int(),
  phoneNumber: PhoneNumber.optional(),
  idDocument: z.string().optional(),
  name: z.string().optional(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  middleNames: z.string().optional(),
  familyNameAtBirth: z.string().optional(),
  birthdate: CalendarDate.optional(),
  email: Email.optional(),
  includeContentLock: z.boolean().optional(),
  includeParentalControl: z.boolean().optional(),
});

/** Every CAMARA operation the sandbox serves, at the paths of the reference OpenAPI files. */
export function registerApiRoutes(app: FastifyInstance, state: SandboxState, dialect: SandboxDialect): void {
  const base = (api: string, version: string) => apiBase(api, version, dialect);
  const lineOf = (number: string) => state.line(number);

  // ── Number Verification ────────────────────────────────────────────────────
  const nv = base('number-verification', 'v2');
  const networkAuthenticated = (token: { phone: string | null; amr: string[] }): string => {
    if (token.phone === null || !token.amr.includes('nba')) {
      throw new CamaraFailure(
        403,
        'NUMBER_VERIFICATION.USER_NOT_AUTHENTICATED_BY_MOBILE_NETWORK',
        'Client must authenticate via the mobile network to use this service',
      );
    }
    return token.phone;
  };
  camaraRoute(app, state, 'POST', `${nv}/verify`, {
    scopes: ['number-verification:verify'],
    handle({ token }, body: unknown) {
      const subject = numberVerificationSubject(body);
      const line = networkAuthenticated(token);
      token.used = token.singleUse;
      const verified =
        'phoneNumber' in subject
          ? subject.phoneNumber === line
          : subject.hashedPhoneNumber.toLowerCase() === hashPhoneNumber(line);
      return { devicePhoneNumberVerified: verified };
    },
  });
  camaraRoute(app, state, 'GET', `${nv}/device-phone-number`, {
    scopes: ['number-verification:device-phone-number:read'],
    handle({ token }) {
      const line = networkAuthenticated(token);
      token.used = token.singleUse;
      return { devicePhoneNumber: line };
    },
  });

  // ── SIM Swap and Device Swap ───────────────────────────────────────────────
  const swapRoutes = (
    api: 'sim-swap' | 'device-swap',
    version: string,
    changedAt: (line: Subscriber) => string | null,
  ) => {
    const root = base(api, version);
    // Device Swap: a SIM never connected has no device history at all (422, both operations).
    const lineOfSwap = (number: string) => {
      const line = lineOf(number);
      if (api === 'device-swap' && line.activated_at === null) throw failures.serviceNotApplicable();
      return line;
    };
    const dateField = api === 'sim-swap' ? 'latestSimChange' : 'latestDeviceChange';
    camaraRoute(app, state, 'POST', `${root}/check`, {
      scopes: [api, `${api}:check`],
      body: SwapCheckBody,
      handle({ token, now }, body) {
        const maxAge = body.maxAge ?? 240;
        if (maxAge < 1 || maxAge > 2400)
          throw failures.outOfRange('maxAge must be between 1 and 2400 hours.');
        const line = lineOfSwap(subjectNumber(token, body.phoneNumber));
        if (line.monitored_period_days !== null && maxAge > line.monitored_period_days * 24) {
          throw failures.outOfRange(
            `Check monitor period could not exceed local regulations (${line.monitored_period_days} days)`,
          );
        }
        const changed = changedAt(line);
        const at = changed === null ? null : Date.parse(changed);
        return { swapped: at !== null && at <= now && now - at <= maxAge * hour };
      },
    });
    camaraRoute(app, state, 'POST', `${root}/retrieve-date`, {
      scopes: [api, `${api}:retrieve-date`],
      body: PhoneOnlyBody,
      handle({ token, now }, body) {
        const line = lineOfSwap(subjectNumber(token, body.phoneNumber));
        // Never changed: CAMARA answers the activation date (null for a SIM never connected).
        const latest = changedAt(line) ?? line.activated_at;
        const window = line.monitored_period_days;
        if (window !== null && (latest === null || now - Date.parse(latest) > window * day)) {
          return { [dateField]: null, monitoredPeriod: window };
        }
        return { [dateField]: latest === null ? null : isoInstant(latest) };
      },
    });
  };
  swapRoutes('sim-swap', 'v2', (line) => line.sim_changed_at);
  swapRoutes('device-swap', 'v1', (line) => line.device_changed_at);

  // ── Number Recycling ───────────────────────────────────────────────────────
  camaraRoute(app, state, 'POST', `${base('number-recycling', 'v0.2')}/check`, {
    scopes: ['number-recycling:check'],
    body: z.object({ phoneNumber: PhoneNumber.optional(), specifiedDate: CalendarDate }),
    handle({ token, now }, body) {
      if (body.specifiedDate > today(now))
        throw failures.outOfRange('specifiedDate must not be in the future.');
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      // The current subscriber took the number after the previous owner left.
      const ownerSince = line.previous_owner_until?.slice(0, 10);
      return { phoneNumberRecycled: ownerSince !== undefined && body.specifiedDate < ownerSince };
    },
  });

  // ── KYC Match, Tenure, Age Verification ────────────────────────────────────
  camaraRoute(app, state, 'POST', `${base('kyc-match', 'v0.4')}/match`, {
    scopes: ['kyc-match:match'],
    body: KycMatchBody,
    handle({ token }, body) {
      const claims = Object.fromEntries(
        kycMatchFields.flatMap((field) => {
          const value = (body as Record<string, unknown>)[field];
          return typeof value === 'string' ? [[field, value]] : [];
        }),
      ) as Partial<Record<KycMatchField, string>>;
      // An empty body is a malformed request; a number alone is the spec's invalid combination.
      if (body.phoneNumber === undefined && Object.keys(claims).length === 0)
        throw failures.invalidArgument();
      if (Object.keys(claims).length === 0) {
        throw new CamaraFailure(
          400,
          'KNOW_YOUR_CUSTOMER.INVALID_PARAM_COMBINATION',
          'At least one property besides phoneNumber is required.',
        );
      }
      const line = lineOf(subjectNumber(token, body.phoneNumber, 'kyc-match'));
      return matchKyc(claims, line.kyc);
    },
  });
  camaraRoute(app, state, 'POST', `${base('kyc-tenure', 'v0.2')}/check-tenure`, {
    scopes: ['kyc-tenure:check-tenure'],
    body: z.object({ phoneNumber: PhoneNumber.optional(), tenureDate: CalendarDate }),
    handle({ token, now }, body) {
      if (body.tenureDate > today(now)) throw failures.outOfRange('tenureDate must not be in the future.');
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      const since = [line.activated_at, line.previous_owner_until]
        .filter((date): date is string => date !== null)
        .map((date) => date.slice(0, 10))
        .sort()
        .at(-1);
      return {
        tenureDateCheck: line.activated_at !== null && since !== undefined && since <= body.tenureDate,
        contractType: line.prepaid ? 'PAYG' : 'PAYM',
      };
    },
  });
  camaraRoute(app, state, 'POST', `${base('kyc-age-verification', 'v0.2')}/verify`, {
    scopes: ['kyc-age-verification:verify'],
    body: AgeBody,
    handle({ token, now }, body) {
      if (body.ageThreshold < 0 || body.ageThreshold > 120) {
        throw failures.outOfRange('ageThreshold must be between 0 and 120.');
      }
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      const birthdate = line.kyc.birthdate;
      const answer: Record<string, unknown> = {
        ageCheck:
          birthdate === undefined
            ? 'not_available'
            : ageOn(birthdate, today(now)) >= body.ageThreshold
              ? 'true'
              : 'false',
        verifiedStatus: line.kyc.id_document !== undefined,
      };
      const score = identityMatchScore(body, line);
      if (score !== null) answer.identityMatchScore = score;
      if (body.includeContentLock) answer.contentLock = 'false';
      if (body.includeParentalControl) answer.parentalControl = 'false';
      return answer;
    },
  });

  // ── Device status: roaming and reachability ────────────────────────────────
  const deviceLine = (
    token: Parameters<typeof subjectNumber>[0],
    device: z.infer<typeof Device> | undefined,
  ) => {
    if (token.phone !== null) {
      if (device !== undefined) throw failures.unnecessaryIdentifier();
      return { line: lineOf(token.phone), echo: undefined };
    }
    if (device === undefined) throw failures.missingIdentifier();
    // The sandbox identifies lines by number only, as many operators do.
    if (device.phoneNumber === undefined) throw failures.unsupportedIdentifier();
    return { line: lineOf(device.phoneNumber), echo: { phoneNumber: device.phoneNumber } };
  };
  camaraRoute(app, state, 'POST', `${base('device-roaming-status', 'v1')}/retrieve`, {
    scopes: ['device-roaming-status:read'],
    body: DeviceBody,
    handle({ token, now }, body) {
      const { line, echo } = deviceLine(token, body.device);
      const country = line.roaming_country;
      const mcc = country === null ? undefined : mccOf(country);
      return {
        ...(echo ? { device: echo } : {}),
        lastStatusTime: isoInstant(now),
        roaming: country !== null,
        ...(country === null
          ? {}
          : { countryCode: mcc, countryName: mcc === undefined ? [country] : countriesOfMcc(mcc) }),
      };
    },
  });
  camaraRoute(app, state, 'POST', `${base('device-reachability-status', 'v1')}/retrieve`, {
    scopes: ['device-reachability-status:read'],
    body: DeviceBody,
    handle({ token, now }, body) {
      const { line, echo } = deviceLine(token, body.device);
      const reach =
        line.reachable === true
          ? { data: true, sms: true }
          : line.reachable === false
            ? { data: false, sms: false }
            : line.reachable;
      const connectivity =
        line.line_status === 'active' ? [...(reach.data ? ['DATA'] : []), ...(reach.sms ? ['SMS'] : [])] : [];
      return {
        ...(echo ? { device: echo } : {}),
        lastStatusTime: isoInstant(now),
        reachable: connectivity.length > 0,
        ...(connectivity.length > 0 ? { connectivity } : {}),
      };
    },
  });

  // ── Call Forwarding Signal ─────────────────────────────────────────────────
  const cfs = base('call-forwarding-signal', 'v0.4');
  camaraRoute(app, state, 'POST', `${cfs}/unconditional-call-forwardings`, {
    scopes: ['call-forwarding-signal:unconditional-call-forwardings:read'],
    body: PhoneOnlyBody,
    handle({ token }, body) {
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      return { active: line.call_forwarding.includes('unconditional') };
    },
  });
  camaraRoute(app, state, 'POST', `${cfs}/call-forwardings`, {
    scopes: ['call-forwarding-signal:call-forwardings:read'],
    body: PhoneOnlyBody,
    handle({ token }, body) {
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      return line.call_forwarding.length > 0 ? line.call_forwarding : ['inactive'];
    },
  });

  // ── Line info (not CAMARA: what operators sell as portability / line-status lookup) ──
  camaraRoute(app, state, 'POST', '/line-info/v0/retrieve', {
    scopes: [],
    body: PhoneOnlyBody,
    handle({ token }, body) {
      const line = lineOf(subjectNumber(token, body.phoneNumber));
      return {
        operatorName: line.operator_name,
        network: line.network,
        lineType: line.line_type,
        lineStatus: line.line_status,
        prepaid: line.prepaid,
        ported: line.porting_history.length > 0,
        portingHistory: line.porting_history.map((port) => ({
          fromCarrier: port.from_carrier,
          toCarrier: port.to_carrier,
          portedAt: isoInstant(port.ported_at),
        })),
        fraudHistory: line.fraud_history,
      };
    },
  });
}

/** Exactly one of `phoneNumber` / `hashedPhoneNumber` (minProperties 1, maxProperties 1). */
function numberVerificationSubject(body: unknown): { phoneNumber: string } | { hashedPhoneNumber: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw failures.invalidArgument();
  const keys = Object.keys(body);
  const record = body as Record<string, unknown>;
  if (keys.length !== 1)
    throw failures.invalidArgument('Send exactly one of phoneNumber or hashedPhoneNumber.');
  if (typeof record.phoneNumber === 'string' && e164Pattern.test(record.phoneNumber)) {
    return { phoneNumber: record.phoneNumber };
  }
  if (typeof record.hashedPhoneNumber === 'string' && /^[a-fA-F0-9]{64}$/.test(record.hashedPhoneNumber)) {
    return { hashedPhoneNumber: record.hashedPhoneNumber };
  }
  throw failures.invalidArgument('Send exactly one of phoneNumber or hashedPhoneNumber.');
}

function ageOn(birthdate: string, date: string): number {
  const [by, bm, bd] = birthdate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** 0–100 over the identity fields sent that the operator holds; null when none can be compared. */
function identityMatchScore(body: z.infer<typeof AgeBody>, line: Subscriber): number | null {
  const fields = [
    'idDocument',
    'name',
    'givenName',
    'familyName',
    'middleNames',
    'familyNameAtBirth',
    'birthdate',
    'email',
  ] as const;
  const scores = fields.flatMap((field) => {
    const claim = body[field];
    const stored = (line.kyc as Record<string, string | undefined>)[snakeCase(field)];
    if (claim === undefined || stored === undefined) return [];
    return [jaroWinkler(normalizeKycText(claim), normalizeKycText(stored))];
  });
  if (scores.length === 0) return null;
  return Math.round((100 * scores.reduce((sum, score) => sum + score, 0)) / scores.length);
}
