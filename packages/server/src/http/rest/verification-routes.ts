import {
  type ErrorCode,
  ResendRestInput,
  SendOtpInput,
  SendOtpOutput,
  VerificationParams,
  VerificationRecordView,
  VerifyOtpInput,
  VerifyOtpOutput,
} from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import type { Site } from '../../tenants/index.js';
import { type Caller, toRecordView, toSendOtpOutput, toVerifyOtpOutput } from '../../verification/index.js';
import { defineRoute, routePlugin } from './route.js';

export type VerificationRouteDeps = Pick<AppDeps, 'tenants' | 'verification'>;

/** What refuses a send, on every route that sends. */
export const sendRefusals: ErrorCode[] = [
  'invalid_phone',
  'country_not_allowed',
  'line_type_not_allowed',
  'channel_not_allowed',
  'rate_limited',
];

/** The site's backend: its address says nothing about the end user, so no per-IP limit. */
export const backendCaller = (site: Site): Caller => ({
  siteKey: site.siteKey,
  surface: 'api',
  ip: null,
  hostname: null,
});

/** `/v1` verification routes for site backends: thin calls into the verification service. */
export const verificationRoutes = routePlugin<VerificationRouteDeps>([
  defineRoute({
    method: 'POST',
    path: '/v1/phone/send-otp',
    auth: 'secret',
    body: SendOtpInput,
    response: SendOtpOutput,
    doc: {
      tag: 'Verification',
      summary: 'Start a verification and send a code',
      description:
        'Give either `channel` or `workflow`, not both. A send stopped by a network block or a `block` rule ' +
        'still answers 200, with `status: "blocked"` and a `reason`. With the setting `require_otp: false` a ' +
        'low-risk number may be approved at once: `status: "approved"` with a `token`, nothing sent.',
      errors: sendRefusals,
      example: { phone: '+447400123456', channel: 'sms', language: 'en', action: 'signup' },
    },
    handler: async ({ site, body }, { verification }) => {
      const state = await verification.start(backendCaller(site), {
        phone: body.phone,
        ...(body.country ? { country: body.country } : {}),
        ...(body.channel ? { channel: body.channel } : {}),
        ...(body.workflow ? { workflow: body.workflow } : {}),
        ...(body.language ? { locale: body.language } : {}),
        ...(body.brand ? { brand: body.brand } : {}),
        ...(body.code_length ? { codeLength: body.code_length } : {}),
        ...(body.action ? { action: body.action } : {}),
        ...(body.cdata !== undefined ? { cdata: body.cdata } : {}),
        ...(body.applicant_id ? { applicantId: body.applicant_id } : {}),
        ...(body.fraud_check !== undefined ? { fraudCheck: body.fraud_check } : {}),
      });
      return toSendOtpOutput(state.record, state.attempts, state.token);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/phone/verify-otp',
    auth: 'secret',
    body: VerifyOtpInput,
    response: VerifyOtpOutput,
    doc: {
      tag: 'Verification',
      summary: 'Check a code',
      description:
        'Give `verification_id` or `phone`. A wrong code is not an error: the answer is `pending` with one ' +
        'attempt fewer. A code that is not 4–10 digits is `invalid_code` and does not count as an attempt.',
      errors: ['invalid_code', 'invalid_phone', 'not_found'],
      example: { verification_id: 'ver_8f1c2a9d4e7b6c3a', code: '123456' },
    },
    handler: async ({ site, body }, { verification }) => {
      const target = body.verification_id ? { verificationId: body.verification_id } : { phone: body.phone! };
      const state = await verification.check(backendCaller(site), target, body.code);
      return toVerifyOtpOutput(state.record, state.attempts, state.token);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/verifications/:id',
    auth: 'secret',
    params: VerificationParams,
    response: VerificationRecordView,
    doc: { tag: 'Verification', summary: 'Read a verification', errors: ['not_found'] },
    handler: async ({ site, params }, { verification }) => {
      const state = await verification.get(backendCaller(site), params.id);
      return toRecordView(state.record, state.attempts);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/verifications/:id/resend',
    auth: 'secret',
    params: VerificationParams,
    body: ResendRestInput,
    response: VerificationRecordView,
    doc: {
      tag: 'Verification',
      summary: 'Send a new code',
      description:
        'On the channel given, else on the next step of the workflow, else on the same channel. Refused ' +
        'inside the cooldown (`resend_cooldown`, with `Retry-After`) and past `max_sends`.',
      errors: ['not_found', 'verification_closed', 'max_sends_reached', 'resend_cooldown', ...sendRefusals],
      example: { channel: 'voice' },
    },
    handler: async ({ site, params, body }, { verification }) => {
      const state = await verification.resend(backendCaller(site), params.id, body.channel);
      return toRecordView(state.record, state.attempts);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/verifications/:id/cancel',
    auth: 'secret',
    params: VerificationParams,
    response: VerificationRecordView,
    doc: {
      tag: 'Verification',
      summary: 'Cancel a verification',
      description: 'A verification that already ended is answered as it is.',
      errors: ['not_found'],
    },
    handler: async ({ site, params }, { verification }) => {
      const state = await verification.cancel(backendCaller(site), params.id);
      return toRecordView(state.record, state.attempts);
    },
  }),
]);
