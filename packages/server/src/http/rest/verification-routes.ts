import {
  ResendRestInput,
  SendOtpInput,
  type SendOtpOutput,
  type VerificationRecordView,
  VerifyOtpInput,
  type VerifyOtpOutput,
} from '@proofline/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { phoneTypeOf } from '../../lookup/index.js';
import {
  type Caller,
  toRecordView,
  toSendOtpOutput,
  type VerificationState,
} from '../../verification/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

function toVerifyOtpOutput(state: VerificationState): VerifyOtpOutput {
  const { record } = state;
  const view = toRecordView(record, state.attempts);
  return {
    verification_id: record.id,
    phone: record.phone,
    // Only this answer says `verified` where every other place says `approved`.
    verification_status: record.status === 'approved' ? 'verified' : record.status,
    verified_at: record.approvedAt === null ? null : new Date(record.approvedAt).toISOString(),
    attempts_left: view.attempts_left,
    phone_intelligence: {
      type: record.line?.type ?? phoneTypeOf(record.lineType),
      carrier: record.line?.carrier ?? null,
      country: record.country,
      risk_score: record.risk?.risk_score ?? null,
      risk_level: record.risk?.risk_level ?? null,
    },
    ...(state.token ? { token: state.token } : {}),
  };
}

/** `/v1` verification routes for site backends: thin calls into the verification service. */
export function registerVerificationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const callerOf = (request: FastifyRequest): Caller => ({
    siteKey: requireSecret(request, deps.tenants).siteKey,
    // The caller is the site's backend: its address says nothing about the end user, so no per-IP limit.
    ip: null,
    hostname: null,
  });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post('/v1/phone/send-otp', async (request): Promise<SendOtpOutput> => {
    const caller = callerOf(request);
    const input = parseInput(SendOtpInput, request.body);
    const state = await deps.verification.start(caller, {
      phone: input.phone,
      ...(input.country ? { country: input.country } : {}),
      ...(input.channel ? { channel: input.channel } : {}),
      ...(input.workflow ? { workflow: input.workflow } : {}),
      ...(input.language ? { locale: input.language } : {}),
      ...(input.brand ? { brand: input.brand } : {}),
      ...(input.code_length ? { codeLength: input.code_length } : {}),
      ...(input.action ? { action: input.action } : {}),
      ...(input.cdata !== undefined ? { cdata: input.cdata } : {}),
      ...(input.applicant_id ? { applicantId: input.applicant_id } : {}),
      ...(input.fraud_check !== undefined ? { fraudCheck: input.fraud_check } : {}),
    });
    return toSendOtpOutput(state.record, state.attempts);
  });

  app.post('/v1/phone/verify-otp', async (request): Promise<VerifyOtpOutput> => {
    const caller = callerOf(request);
    const input = parseInput(VerifyOtpInput, request.body);
    const target = input.verification_id
      ? { verificationId: input.verification_id }
      : { phone: input.phone! };
    return toVerifyOtpOutput(await deps.verification.check(caller, target, input.code));
  });

  app.get('/v1/verifications/:id', async (request): Promise<VerificationRecordView> => {
    const state = await deps.verification.get(callerOf(request), idOf(request));
    return toRecordView(state.record, state.attempts);
  });

  app.post('/v1/verifications/:id/resend', async (request): Promise<VerificationRecordView> => {
    const caller = callerOf(request);
    const input = parseInput(ResendRestInput, request.body);
    const state = await deps.verification.resend(caller, idOf(request), input.channel);
    return toRecordView(state.record, state.attempts);
  });

  app.post('/v1/verifications/:id/cancel', async (request): Promise<VerificationRecordView> => {
    const state = await deps.verification.cancel(callerOf(request), idOf(request));
    return toRecordView(state.record, state.attempts);
  });
}
