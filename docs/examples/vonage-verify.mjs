import { Auth } from '@vonage/auth';
import { Verify2 } from '@vonage/verify2';

// Unchanged Vonage code: the site's Vonage-style application and its private key (a path or the
// PEM). Only `apiHost` changes, from https://api.nexmo.com to Proofline.
const verify = new Verify2(
  new Auth({
    applicationId: process.env.VONAGE_APPLICATION_ID,
    privateKey: process.env.VONAGE_PRIVATE_KEY,
  }),
  { apiHost: process.env.PROOFLINE_URL },
);

/** Sends a code by SMS, then WhatsApp if it is not used in time; answers the request_id. */
export async function sendCode(phone) {
  const { requestId } = await verify.newRequest({
    brand: 'Acme',
    workflow: [
      { channel: 'sms', to: phone },
      { channel: 'whatsapp', to: phone },
    ],
  });
  return requestId;
}

/** True when the code is right; false for a wrong one (400) or when too many were wrong (410). */
export async function checkCode(requestId, code) {
  try {
    return (await verify.checkCode(requestId, code)) === 'completed';
  } catch (error) {
    if ([400, 410].includes(error.response?.status)) return false;
    throw error;
  }
}

/**
 * Silent authentication first, then SMS: the app opens `checkUrl` over mobile data and follows the
 * redirects. When the operator recognises the line the last answer is `{request_id, code}`: give
 * that code to `checkCode`. Otherwise the device gets a 412 error and the SMS step starts.
 */
export async function startSilentAuth(phone) {
  const { requestId, checkUrl } = await verify.newRequest({
    brand: 'Acme',
    workflow: [
      { channel: 'silent_auth', to: phone },
      { channel: 'sms', to: phone },
    ],
  });
  return { requestId, checkUrl };
}
