import type {
  Channel,
  TwilioChannel,
  TwilioVerification,
  TwilioVerificationCheck,
  TwilioVerificationStatus,
} from '@proofline/shared';
import type { TwilioCredentials } from '../../tenants/index.js';
import { toRecordView, type VerificationState } from '../../verification/index.js';
import { derivedSid, twilioVerificationSid } from '../ids.js';

/** Twilio names the voice channel `call`. */
const twilioChannelOf = (channel: Channel | string | null): TwilioChannel | null =>
  channel === 'voice' ? 'call' : channel === 'sms' || channel === 'whatsapp' ? channel : null;

export const channelOfTwilio = (channel: TwilioChannel): Channel => (channel === 'call' ? 'voice' : channel);

/** Twilio has no `blocked`: a verification stopped by a block is `failed` there. */
function twilioStatus(state: VerificationState): TwilioVerificationStatus {
  const { status } = state.record;
  return status === 'blocked' ? 'failed' : status;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What the Verification and VerificationCheck resources both say of a verification. */
function fieldsOf(state: VerificationState, credentials: TwilioCredentials) {
  const { record } = state;
  return {
    sid: twilioVerificationSid(record.id),
    service_sid: credentials.serviceSid,
    account_sid: credentials.accountSid,
    to: record.phone,
    channel: twilioChannelOf(toRecordView(record, state.attempts).channel),
    status: twilioStatus(state),
    valid: record.status === 'approved',
    amount: null,
    payee: null,
    date_created: iso(record.createdAt),
    date_updated: iso(record.updatedAt),
  };
}

/** The Verification resource; `baseUrl` is where the caller reached this server. */
export function toTwilioVerification(
  state: VerificationState,
  credentials: TwilioCredentials,
  baseUrl: string,
): TwilioVerification {
  const { record } = state;
  const fields = fieldsOf(state, credentials);
  // The messages that went out: steps refused by a block or a provider never reached the phone.
  const attempts = record.steps.flatMap((step, index) => {
    const channel = twilioChannelOf(step.channel);
    if (!channel || step.status === 'blocked' || step.status === 'failed') return [];
    return [{ attempt_sid: derivedSid('VL', record.id, index), channel, time: iso(step.initiatedAt) }];
  });
  return {
    ...fields,
    lookup: { carrier: record.line ? { name: record.line.carrier, type: record.line.type } : null },
    send_code_attempts: attempts,
    sna: null,
    url: `${baseUrl}/v2/Services/${credentials.serviceSid}/Verifications/${fields.sid}`,
  };
}

/** The VerificationCheck resource: the verification as the check left it. */
export function toTwilioVerificationCheck(
  state: VerificationState,
  credentials: TwilioCredentials,
): TwilioVerificationCheck {
  return { ...fieldsOf(state, credentials), sna_attempts_error_codes: [] };
}
