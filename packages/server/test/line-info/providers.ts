import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A line as a test scripts it at a provider. */
export type ScriptedLine = { mcc: string; mnc: string; carrier: string; type: string };

/** How the provider misbehaves for the next requests: answers 5xx (or its own "internal error"), or never answers. */
type Trouble = 'down' | 'hang' | null;

type Handler = (request: IncomingMessage, url: URL, response: ServerResponse) => void;

/** `down` is answered by `outage`, in the provider's own words for an internal error. */
async function listen(handler: Handler, outage: (response: ServerResponse) => void) {
  const hanging: ServerResponse[] = [];
  let trouble: Trouble = null;
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    const url = new URL(request.url ?? '/', 'http://provider.test');
    if (trouble === 'hang') {
      hanging.push(response);
      return;
    }
    if (trouble === 'down') {
      outage(response);
      return;
    }
    handler(request, url, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    /** How many requests reached the provider (what a deployment pays for). */
    requests: () => requests,
    setTrouble(next: Trouble) {
      trouble = next;
    },
    close(): Promise<void> {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/**
 * Twilio Lookup v2 as documented: `GET /v2/PhoneNumbers/{PhoneNumber}?Fields=line_type_intelligence`,
 * HTTP Basic (account SID, auth token), the PhoneNumber resource, and Twilio's error body
 * `{code, message, more_info, status}` (20003 authentication, 20404 not found).
 */
export async function startTwilioLookup(credentials: { accountSid: string; authToken: string }) {
  const lines = new Map<string, ScriptedLine>();
  const expected = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const error = (response: ServerResponse, status: number, code: number, message: string) =>
    json(response, status, {
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });
  const server = await listen(
    (request, url, response) => {
      const match = /^\/v2\/PhoneNumbers\/([^/]+)$/.exec(url.pathname);
      if (request.method !== 'GET' || !match)
        return error(response, 404, 20404, 'The requested resource was not found');
      if (request.headers.authorization !== expected) return error(response, 401, 20003, 'Authenticate');
      const number = decodeURIComponent(match[1]!);
      const line = lines.get(number);
      if (!line)
        return error(response, 404, 20404, `The requested resource /PhoneNumbers/${number} was not found`);
      const fields = (url.searchParams.get('Fields') ?? '').split(',');
      json(response, 200, {
        calling_country_code: '44',
        country_code: 'GB',
        phone_number: number,
        national_format: number,
        valid: true,
        validation_errors: [],
        caller_name: null,
        sim_swap: null,
        call_forwarding: null,
        line_status: null,
        line_type_intelligence: fields.includes('line_type_intelligence')
          ? {
              mobile_country_code: line.mcc,
              mobile_network_code: line.mnc,
              carrier_name: line.carrier,
              type: line.type,
              error_code: null,
            }
          : null,
        identity_match: null,
        reassigned_number: null,
        sms_pumping_risk: null,
        phone_number_quality_score: null,
        pre_fill: null,
        url: `https://lookups.twilio.com/v2/PhoneNumbers/${number}`,
      });
    },
    (response) => error(response, 503, 20503, 'Service unavailable'),
  );
  return { ...server, script: (number: string, line: ScriptedLine) => lines.set(number, line) };
}

/**
 * Vonage Number Insight Advanced (synchronous) as documented: `GET /ni/advanced/json` with
 * `api_key`, `api_secret`, `number` (international, no `+`); HTTP 200 with a `status` code in the
 * body (0 success, 4 invalid credentials, 5 internal error); `current_carrier`, `ported`,
 * `reachable`, `roaming`.
 */
export async function startVonageNumberInsight(credentials: { apiKey: string; apiSecret: string }) {
  const lines = new Map<
    string,
    ScriptedLine & { ported?: boolean; roaming?: boolean; reachable?: boolean }
  >();
  const server = await listen(
    (request, url, response) => {
      if (request.method !== 'GET' || url.pathname !== '/ni/advanced/json') {
        return json(response, 404, {
          type: 'https://developer.vonage.com/api-errors#not-found',
          title: 'Not Found',
        });
      }
      const params = url.searchParams;
      if (
        params.get('api_key') !== credentials.apiKey ||
        params.get('api_secret') !== credentials.apiSecret
      ) {
        return json(response, 200, { status: 4, status_message: 'Invalid credentials' });
      }
      const number = params.get('number') ?? '';
      if (!/^\d{6,15}$/.test(number))
        return json(response, 200, { status: 3, status_message: 'Invalid request' });
      const line = lines.get(`+${number}`);
      const carrier = line
        ? {
            network_code: `${line.mcc}${line.mnc}`,
            name: line.carrier,
            country: 'GB',
            network_type: line.type,
          }
        : { network_code: null, name: null, country: 'GB', network_type: null };
      json(response, 200, {
        status: 0,
        status_message: 'Success',
        lookup_outcome: 0,
        lookup_outcome_message: 'Success',
        request_id: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
        international_format_number: number,
        national_format_number: number,
        country_code: 'GB',
        country_code_iso3: 'GBR',
        country_name: 'United Kingdom',
        country_prefix: '44',
        request_price: '0.03000000',
        remaining_balance: '10.000000',
        current_carrier: carrier,
        original_carrier: carrier,
        valid_number: 'valid',
        reachable: line ? (line.reachable === false ? 'absent' : 'reachable') : 'unknown',
        ported: line ? (line.ported ? 'ported' : 'not_ported') : 'unknown',
        roaming: line ? { status: line.roaming ? 'roaming' : 'not_roaming' } : 'unknown',
      });
    },
    (response) => json(response, 200, { status: 5, status_message: 'Internal Error' }),
  );
  return {
    ...server,
    script: (
      number: string,
      line: ScriptedLine & { ported?: boolean; roaming?: boolean; reachable?: boolean },
    ) => lines.set(number, line),
  };
}
