import { LookupOutput, ValidateOutput } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RestCall, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let call: RestCall;

beforeAll(async () => {
  server = await startTestServer();
  call = restClient(server.url);
});
afterAll(async () => {
  await server.close();
});

describe('POST /v1/phone/validate', () => {
  it('answers the TrustGate shape', async () => {
    const answer = await call('POST', '/v1/phone/validate', { phone: '07400 123456', country: 'GB' });
    expect(answer.status).toBe(200);
    expect(ValidateOutput.parse(answer.body)).toMatchObject({
      phone: '07400 123456',
      validation: {
        valid: true,
        formatted_e164: '+447400123456',
        country_code: '44',
        country: 'GB',
        type: 'mobile',
      },
    });
  });

  it('answers an invalid number with valid false, and bad input with 400 and the field', async () => {
    expect((await call('POST', '/v1/phone/validate', { phone: 'nope' })).body).toMatchObject({
      validation: { valid: false, possible: false, validation_error: 'NOT_A_NUMBER' },
    });
    const bad = await call('POST', '/v1/phone/validate', { phone: '+447400123456', country: 'gb', x: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'bad_request' } });
    const paths = (bad.body.error as { details: { path: string }[] }).details.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['country', '']));
  });

  it('needs the secret key', async () => {
    expect(
      await call('POST', '/v1/phone/validate', { phone: '+447400123456' }, { secret: '' }),
    ).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect(
      (await call('POST', '/v1/phone/validate', { phone: '+447400123456' }, { secret: 'sk_wrong' })).status,
    ).toBe(401);
  });
});

describe('POST /v1/phone/lookup', () => {
  it('answers the lookup shape with the risk assessment, using the site’s risk weights', async () => {
    const plain = await call('POST', '/v1/phone/lookup', { phone: '+445612345678', applicant_country: 'FR' });
    expect(plain.status).toBe(200);
    expect(LookupOutput.parse(plain.body)).toMatchObject({
      phone: '+445612345678',
      valid: true,
      type: 'voip',
      location: { country: 'GB', country_code: '44' },
      risk_assessment: { risk_score: 30, risk_level: 'medium' },
    });

    const put = await call('PUT', '/v1/settings/phone-verification', { risk_weights: { voip_number: 50 } });
    expect(put.status).toBe(200);
    const weighted = await call('POST', '/v1/phone/lookup', {
      phone: '+445612345678',
      applicant_country: 'FR',
    });
    expect(weighted.body).toMatchObject({ risk_assessment: { risk_score: 65, risk_level: 'high' } });
    await call('PUT', '/v1/settings/phone-verification', { risk_weights: {} });
  });

  it('refuses what is not a phone number with invalid_phone', async () => {
    expect(await call('POST', '/v1/phone/lookup', { phone: 'call me maybe' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_phone' } },
    });
    expect((await call('POST', '/v1/phone/lookup', {})).body).toMatchObject({
      error: { code: 'bad_request' },
    });
  });
});
