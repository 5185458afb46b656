import type { ResultTokenInput } from '../../src/tokens/index.js';

/** The claims of an approved OTP verification, as the verification flow hands them over. */
export const approvedClaims: ResultTokenInput = {
  aud: 'pk_test_demo',
  sub: 'ver_123',
  phone: '+447400123456',
  phone_verified: true,
  email: null,
  method: 'otp',
  channel: 'sms',
  risk_score: 12,
  risk_level: 'low',
  action: 'signup',
  cdata: 'session-42',
  hostname: 'shop.example',
  flags: ['voip_number'],
};
