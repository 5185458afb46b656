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
import { type Caller, toRecordView, toSendOtpOutput, toVerifyOtpOutput } from '../../verification/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

/** `/v1` verification routes for site backends: thin calls into the verification service. */
export function registerVerificationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const callerOf = (request: FastifyRequest): Caller => ({
    siteKey: requireSecret(request, deps.tenants).siteKey,
    surface: 'api',
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
    const state = await deps.verification.check(caller, target, input.code);
    return toVerifyOtpOutput(state.record, state.attempts, state.token);
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
