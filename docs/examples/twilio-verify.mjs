import twilio from 'twilio';

// The one change: an HTTP client that sends Twilio's requests to Proofline's host. Paths,
// parameters, Basic auth and answers stay Twilio's.
class ProoflineHost extends twilio.RequestClient {
  request(options) {
    const uri = new URL(options.uri);
    const proofline = new URL(process.env.PROOFLINE_URL);
    uri.protocol = proofline.protocol;
    uri.host = proofline.host;
    return super.request({ ...options, uri: uri.href });
  }
}

// Unchanged Twilio code: the site's AC… account SID, auth token and VA… service SID.
const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN, {
  httpClient: new ProoflineHost(),
});
const service = client.verify.v2.services(process.env.TWILIO_VERIFY_SERVICE_SID);

/** Sends a code by SMS; answers the Verification's sid (VE…). */
export async function sendCode(phone) {
  const verification = await service.verifications.create({ to: phone, channel: 'sms' });
  return verification.sid;
}

/** True when the code is right. Too many wrong codes (60202) or sends (60203) throw, as at Twilio. */
export async function checkCode(phone, code) {
  const check = await service.verificationChecks.create({ to: phone, code });
  return check.status === 'approved';
}
