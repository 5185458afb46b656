import {
  Case,
  CaseIdParams,
  CaseList,
  CaseListQuery,
  CaseUpdateInput,
  DeleteMonitorOutput,
  DeleteRuleOutput,
  type ErrorCode,
  FraudCheckBypassOutput,
  FraudCheckBypassQuery,
  GeoPermissions,
  GeoPermissionsOutput,
  KycMatchInput,
  KycMatchOutput,
  LookupAnswer,
  LookupInput,
  LookupOutput,
  MonitorInput,
  MonitorOutput,
  MonitorParams,
  NetworkBlocksOutput,
  NumberRecyclingInput,
  NumberRecyclingOutput,
  OperatorCloudEvent,
  OperatorEventAck,
  PortingHistoryOutput,
  PortingHistoryQuery,
  ResendRestInput,
  RoamingInput,
  RoamingOutput,
  Rule,
  RuleIdParams,
  RuleList,
  SendOtpInput,
  SendOtpOutput,
  Settings,
  SettingsPatch,
  SilentCallbackOutput,
  SilentCallbackQuery,
  SilentStartInput,
  SilentStartOutput,
  SimSwapCheckInput,
  SimSwapCheckOutput,
  SiteverifyInput,
  SiteverifyOutput,
  UnblockNetworkInput,
  UnblockNetworkOutput,
  ValidateInput,
  ValidateOutput,
  VerificationId,
  VerificationRecordView,
  VerifyOtpInput,
  VerifyOtpOutput,
} from '@proofline/shared';
import { z } from 'zod';

/** The tags of the document, one per domain, in the order a reader meets them. */
export const apiTags = {
  Verification: 'One-time codes over sms, voice, whatsapp or email, and the verifications they belong to.',
  Siteverify: 'Redeeming a result token from the widget, as Cloudflare Turnstile does.',
  'Phone intelligence': 'Validation, line type, carrier, location and risk of a number.',
  'Operator checks': "Questions answered by the number's mobile operator (CAMARA APIs).",
  Settings: "The site's phone verification settings and its webhook signing secret.",
  'Workflow rules': 'Rules evaluated in the flows: conditions on lookup and verification facts, and actions.',
  Cases: 'Cases opened by rules for a reviewer.',
  'Anti-fraud': 'Network blocks, geo permissions per channel and the audit of fraud-check bypasses.',
  Documentation: 'This document.',
} as const;
type ApiTag = keyof typeof apiTags;

/** Only the shape of the top level: the rest of the document is described by the OpenAPI 3.1 schema. */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/**
 * One `/v1` route as the OpenAPI document describes it. Schemas are the ones the route parses and
 * answers with; errors list the codes the route itself can answer besides those every route can
 * (`bad_request` when it takes input, `unauthorized` behind the secret key, 413/415 with a body,
 * `internal_error`, `service_unavailable`).
 */
export type RouteDoc = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As registered with Fastify: `/v1/verifications/:id`. */
  path: string;
  summary: string;
  /** What the schemas cannot say: refinements, defaults taken from settings, special answers. */
  description?: string;
  tag: ApiTag;
  /** `secret` (the default): `Authorization: Bearer sk_…`; `secret_or_body`: the key may come in the body instead. */
  auth?: 'secret' | 'secret_or_body' | 'public';
  body?: z.ZodType;
  /** The body may also be `application/x-www-form-urlencoded`. */
  form?: boolean;
  query?: z.ZodObject;
  params?: z.ZodObject;
  response: z.ZodType;
  /** Success statuses and what each means; `{200: …}` when not given. */
  success?: Partial<Record<200 | 201, string>>;
  errors?: ErrorCode[];
  /** A request body example; the tests check it against both the zod schema and the document. */
  example?: unknown;
};

const VerificationParams = z.object({ id: VerificationId });

/** Schemas of this table that `@proofline/shared` does not export, by the component name they get. */
export const localSchemas = { OpenApiDocument, VerificationParams };
const sendRefusals: ErrorCode[] = [
  'invalid_phone',
  'country_not_allowed',
  'line_type_not_allowed',
  'channel_not_allowed',
  'rate_limited',
];
const operatorErrors: ErrorCode[] = ['invalid_phone', 'not_found', 'operator_error'];

/** Every `/v1` route. Adding a route is adding its entry here; the OpenAPI test fails until it is. */
export const routeDocs: RouteDoc[] = [
  // ── Verification ──────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/phone/send-otp',
    tag: 'Verification',
    summary: 'Start a verification and send a code',
    description:
      'Give either `channel` or `workflow`, not both. A send stopped by a network block or a `block` rule ' +
      'still answers 200, with `status: "blocked"` and a `reason`. With the setting `require_otp: false` a ' +
      'low-risk number may be approved at once: `status: "approved"` with a `token`, nothing sent.',
    body: SendOtpInput,
    response: SendOtpOutput,
    errors: sendRefusals,
    example: { phone: '+447400123456', channel: 'sms', language: 'en', action: 'signup' },
  },
  {
    method: 'POST',
    path: '/v1/phone/verify-otp',
    tag: 'Verification',
    summary: 'Check a code',
    description:
      'Give `verification_id` or `phone`. A wrong code is not an error: the answer is `pending` with one ' +
      'attempt fewer. A code that is not 4–10 digits is `invalid_code` and does not count as an attempt.',
    body: VerifyOtpInput,
    response: VerifyOtpOutput,
    errors: ['invalid_code', 'invalid_phone', 'not_found'],
    example: { verification_id: 'ver_8f1c2a9d4e7b6c3a', code: '123456' },
  },
  {
    method: 'GET',
    path: '/v1/verifications/:id',
    tag: 'Verification',
    summary: 'Read a verification',
    params: VerificationParams,
    response: VerificationRecordView,
    errors: ['not_found'],
  },
  {
    method: 'POST',
    path: '/v1/verifications/:id/resend',
    tag: 'Verification',
    summary: 'Send a new code',
    description:
      'On the channel given, else on the next step of the workflow, else on the same channel. Refused ' +
      'inside the cooldown (`resend_cooldown`, with `Retry-After`) and past `max_sends`.',
    params: VerificationParams,
    body: ResendRestInput,
    response: VerificationRecordView,
    errors: ['not_found', 'verification_closed', 'max_sends_reached', 'resend_cooldown', ...sendRefusals],
    example: { channel: 'voice' },
  },
  {
    method: 'POST',
    path: '/v1/verifications/:id/cancel',
    tag: 'Verification',
    summary: 'Cancel a verification',
    description: 'A verification that already ended is answered as it is.',
    params: VerificationParams,
    response: VerificationRecordView,
    errors: ['not_found'],
  },
  {
    method: 'GET',
    path: '/v1/silent/callback',
    tag: 'Verification',
    auth: 'public',
    summary: "The operator's redirect at the end of silent verification",
    description:
      "Not called by site backends: the operator's authorize step sends the device here with `code` and " +
      '`state` (or `error`). It approves the verification, or moves it on to its next channel. A ' +
      'verification started with a `returnUrl` (`redirect` mode) is answered 303 to that page with ' +
      '`#proofline_verification=<id>`; otherwise (`fetch` mode) with this small JSON. An unknown or used ' +
      '`state` is `not_found`.',
    query: SilentCallbackQuery,
    response: SilentCallbackOutput,
    errors: ['not_found'],
  },
  {
    method: 'POST',
    path: '/v1/silent/start',
    tag: 'Verification',
    summary: 'Start silent verification for a mobile app',
    description:
      'The app opens `auth_url` over mobile data; the operator identifies the line and sends it to ' +
      '`/v1/silent/callback` (then to `return_url`, a page on an allowed origin, when given). Read the ' +
      'result with `GET /v1/verifications/:id`: `approved` (method `silent`) or `failed`; no code is ' +
      'ever sent. `channel_not_allowed` when the site turned `silent` off.',
    body: SilentStartInput,
    response: SilentStartOutput,
    errors: ['verification_closed', ...sendRefusals],
    example: { phone: '+447400123456' },
  },

  // ── Siteverify ────────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/siteverify',
    tag: 'Siteverify',
    summary: 'Redeem a result token',
    description:
      "Turnstile's contract: the secret key as `Bearer` or as `secret` in the body; always 200 with " +
      '`success` and `error-codes`. A token is valid 300 s and single use; repeating the same ' +
      '`idempotency_key` returns the first answer.',
    auth: 'secret_or_body',
    body: SiteverifyInput,
    form: true,
    response: SiteverifyOutput,
    example: { response: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', idempotency_key: 'order-4711' },
  },

  // ── Phone intelligence ────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/phone/validate',
    tag: 'Phone intelligence',
    summary: 'Validate and format a number',
    body: ValidateInput,
    response: ValidateOutput,
    example: { phone: '07400 123456', country: 'GB' },
  },
  {
    method: 'POST',
    path: '/v1/phone/lookup',
    tag: 'Phone intelligence',
    summary: 'Look up line type, carrier, location and risk',
    description:
      "Then runs the site's `phone_lookup_complete` rules on the lookup: the answer adds their `flags` " +
      '(and `voip` / `sim_swap` from `flag_voip` / `sim_swap_check`), the `cases` they opened and what ' +
      '`request_info` asks for (`info_needed`).',
    body: LookupInput,
    response: LookupAnswer,
    errors: ['invalid_phone'],
    example: { phone: '447400123456', applicant_country: 'GB' },
  },

  // ── Operator checks ───────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/phone/sim-swap-check',
    tag: 'Operator checks',
    summary: 'Was the SIM changed recently?',
    description: "`max_age_hours` defaults to the site's `sim_swap_threshold_days` × 24.",
    body: SimSwapCheckInput,
    response: SimSwapCheckOutput,
    errors: operatorErrors,
    example: { phone: '+447400123456', max_age_hours: 72 },
  },
  {
    method: 'POST',
    path: '/v1/phone/number-recycling',
    tag: 'Operator checks',
    summary: 'Was the number reassigned since a date?',
    body: NumberRecyclingInput,
    response: NumberRecyclingOutput,
    errors: operatorErrors,
  },
  {
    method: 'POST',
    path: '/v1/phone/kyc-match',
    tag: 'Operator checks',
    summary: "Match customer attributes against the operator's records",
    description: "Send at least one attribute besides `phone`. The decision follows the site's `kyc_policy`.",
    body: KycMatchInput,
    response: KycMatchOutput,
    errors: operatorErrors,
  },
  {
    method: 'POST',
    path: '/v1/phone/roaming',
    tag: 'Operator checks',
    summary: 'Is the device roaming, and where?',
    body: RoamingInput,
    response: RoamingOutput,
    errors: operatorErrors,
  },
  {
    method: 'GET',
    path: '/v1/phone/porting-history',
    tag: 'Operator checks',
    summary: 'Ports of the number between carriers',
    query: PortingHistoryQuery,
    response: PortingHistoryOutput,
    errors: operatorErrors,
  },

  // ── Settings ──────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/v1/settings/phone-verification',
    tag: 'Settings',
    summary: "Read the site's settings",
    response: Settings,
  },
  {
    method: 'PUT',
    path: '/v1/settings/phone-verification',
    tag: 'Settings',
    summary: 'Change some settings',
    description:
      'Merges the keys given and answers the full settings; unknown keys are refused. Setting ' +
      '`webhook_url` creates the signing secret `webhook_secret`; the URL must be https to a name ' +
      'whose every address is public (else 400 `invalid_webhook_url`), and saving it again turns a ' +
      '`webhook_status` of `disabled` (after a 410 Gone) back to `active`.',
    body: SettingsPatch,
    response: Settings,
    example: { otp_expiry_minutes: 5, channels: ['sms', 'voice'], block_voip: true },
  },
  {
    method: 'POST',
    path: '/v1/settings/webhook-secret/rotate',
    tag: 'Settings',
    summary: 'Make a new webhook signing secret',
    description: 'The previous secret keeps signing beside the new one for 24 hours.',
    response: Settings,
  },

  // ── Workflow rules ────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/v1/workflows/rules',
    tag: 'Workflow rules',
    summary: "List the site's rules",
    response: RuleList,
  },
  {
    method: 'POST',
    path: '/v1/workflows/rules',
    tag: 'Workflow rules',
    summary: 'Create or replace a rule',
    description:
      'Conditions are `{all: [...]}` or `{any: [...]}` of `{field, operator, value}` and nested groups; ' +
      'an unknown field, or an operator or value that does not fit the field, is refused with the path ' +
      'of the mistake.',
    body: Rule,
    response: Rule,
    success: { 200: 'A rule with this `rule_id` was replaced.', 201: 'The rule was created.' },
    example: {
      rule_id: 'voip_needs_code',
      trigger: 'verification_started',
      conditions: {
        all: [
          { field: 'phone_type', operator: 'eq', value: 'voip' },
          { field: 'phone_otp_verified', operator: 'eq', value: false },
        ],
      },
      actions: [{ type: 'require_otp' }, { type: 'add_flag', flag: 'voip' }],
    },
  },
  {
    method: 'DELETE',
    path: '/v1/workflows/rules/:rule_id',
    tag: 'Workflow rules',
    summary: 'Delete a rule',
    params: RuleIdParams,
    response: DeleteRuleOutput,
    errors: ['not_found'],
  },

  // ── Cases ─────────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/v1/cases',
    tag: 'Cases',
    summary: 'List cases, newest first',
    query: CaseListQuery,
    response: CaseList,
  },
  {
    method: 'GET',
    path: '/v1/cases/:case_id',
    tag: 'Cases',
    summary: 'Read a case',
    params: CaseIdParams,
    response: Case,
    errors: ['not_found'],
  },
  {
    method: 'PATCH',
    path: '/v1/cases/:case_id',
    tag: 'Cases',
    summary: 'Review a case: status, resolution, a note',
    description: 'Changes the fields given; `note` is appended to `notes` (at most 50).',
    params: CaseIdParams,
    body: CaseUpdateInput,
    response: Case,
    errors: ['not_found'],
    example: { status: 'closed', resolution: 'Legitimate SIM replacement', note: 'Receipt checked.' },
  },

  // ── Anti-fraud ────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/v1/networks/blocks',
    tag: 'Anti-fraud',
    summary: 'Network blocks in force',
    response: NetworkBlocksOutput,
  },
  {
    method: 'POST',
    path: '/v1/networks/unblock',
    tag: 'Anti-fraud',
    summary: 'Let traffic to a blocked network through for a while',
    body: UnblockNetworkInput,
    response: UnblockNetworkOutput,
    errors: ['network_not_blocked'],
    example: { network: '23415', unblock_duration: '600' },
  },
  {
    method: 'GET',
    path: '/v1/fraud/geo-permissions',
    tag: 'Anti-fraud',
    summary: 'Countries allowed and blocked per channel',
    response: GeoPermissionsOutput,
  },
  {
    method: 'PUT',
    path: '/v1/fraud/geo-permissions',
    tag: 'Anti-fraud',
    summary: 'Change the countries of some channels',
    description: 'Replaces the channels named and keeps the others.',
    body: GeoPermissions,
    response: GeoPermissionsOutput,
    example: { sms: { blocked_countries: ['CU', 'KP'] }, voice: { allowed_countries: ['GB', 'IE'] } },
  },
  {
    method: 'GET',
    path: '/v1/audit/fraud-check-bypass',
    tag: 'Anti-fraud',
    summary: 'Sends made with `fraud_check: false`, newest first',
    query: FraudCheckBypassQuery,
    response: FraudCheckBypassOutput,
  },

  // ── Monitoring ────────────────────────────────────────────────────────────────
  {
    method: 'POST',
    path: '/v1/phone/monitor',
    tag: 'Operator checks',
    summary: 'Watch a number for SIM swaps (and roaming, reachability changes)',
    description:
      'Subscribes at the operator (CAMARA SIM Swap, Device Roaming Status and Device Reachability Status ' +
      'Subscriptions). Each event reaches the webhook URL as `sim_swap.detected` `{phone, swapped_at, ' +
      'subscription_id}`, `roaming.changed` or `reachability.changed`, signed like every webhook; `phone` ' +
      'is masked unless `webhook_full_phone`. Without `expires_at` the watch lasts a year.',
    body: MonitorInput,
    response: MonitorOutput,
    errors: operatorErrors,
    example: { phone: '+447400123456', events: ['sim_swap'], expires_at: '2027-01-01T00:00:00Z' },
  },
  {
    method: 'DELETE',
    path: '/v1/phone/monitor/:subscription_id',
    tag: 'Operator checks',
    summary: 'Stop watching a number',
    params: MonitorParams,
    response: DeleteMonitorOutput,
    errors: ['not_found', ...operatorErrors],
  },
  {
    method: 'POST',
    path: '/v1/phone/monitor/:subscription_id/events',
    tag: 'Operator checks',
    auth: 'public',
    summary: "The operator's CloudEvents for a watch",
    description:
      'Not called by site backends: the operator POSTs its CloudEvents here (`application/cloudevents+json`) ' +
      'with the bearer token Proofline gave it for this watch; another token is `unauthorized`.',
    params: MonitorParams,
    body: OperatorCloudEvent,
    response: OperatorEventAck,
    errors: ['unauthorized'],
  },

  // ── Documentation ─────────────────────────────────────────────────────────────
  {
    method: 'GET',
    path: '/v1/openapi.json',
    tag: 'Documentation',
    summary: 'This OpenAPI 3.1 document',
    auth: 'public',
    response: OpenApiDocument,
  },
];
