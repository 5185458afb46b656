import { z } from 'zod';
import { failureOf, getJson, type HttpSourceOptions } from '../http.js';
import { LineInfoError, type LineInfoSource, unknownFacts } from '../port.js';

export type VonageNumberInsightOptions = HttpSourceOptions & { apiKey: string; apiSecret: string };

const Carrier = z
  .object({
    network_code: z.string().nullable().optional(),
    name: z.string().nullable().optional(),
    network_type: z.string().nullable().optional(),
  })
  .nullable()
  .optional();

/** The part of the Number Insight Advanced answer this source reads. */
const AdvancedAnswer = z.object({
  status: z.number().int(),
  status_message: z.string().optional(),
  current_carrier: Carrier,
  ported: z.string().nullable().optional(),
  reachable: z.string().nullable().optional(),
  roaming: z
    .union([z.string(), z.object({ status: z.string() }).loose()])
    .nullable()
    .optional(),
});

/** Number Insight status codes (the `status` field; the HTTP status is 200 for all of them). */
const throttled = 1;
const invalidParameters = 3;
const invalidCredentials = 4;
const partnerQuotaExceeded = 9;
const notHandled = [43, 44, 45];

const yesNo = (value: string | null | undefined, yes: string[], no: string[]) =>
  value && yes.includes(value) ? true : value && no.includes(value) ? false : null;

/**
 * Vonage Number Insight Advanced (synchronous): `GET /ni/advanced/json?api_key&api_secret&number`.
 * Gives the network code, carrier, line type, ported, reachable and roaming.
 */
export function vonageNumberInsightSource(options: VonageNumberInsightOptions): LineInfoSource {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    name: 'vonage',
    async lookup(e164) {
      const query = new URLSearchParams({
        api_key: options.apiKey,
        api_secret: options.apiSecret,
        number: e164.replace(/^\+/, ''),
      });
      const answer = await getJson(`${base}/ni/advanced/json?${query}`, {}, options);
      if (answer.status !== 200) throw failureOf(answer.status, 'Vonage Number Insight');
      const parsed = AdvancedAnswer.safeParse(answer.body);
      if (!parsed.success)
        throw new LineInfoError('bad_answer', 'Number Insight answered an unexpected shape.');
      const body = parsed.data;
      if (body.status === invalidParameters || notHandled.includes(body.status)) return null;
      if (body.status === invalidCredentials || body.status === partnerQuotaExceeded) {
        throw new LineInfoError('refused', `Number Insight refused: ${body.status_message ?? body.status}.`);
      }
      if (body.status === throttled || body.status !== 0) {
        throw new LineInfoError('unavailable', `Number Insight answered status ${body.status}.`);
      }
      const roaming = typeof body.roaming === 'string' ? body.roaming : (body.roaming?.status ?? null);
      return {
        ...unknownFacts,
        network: body.current_carrier?.network_code ?? null,
        carrierName: body.current_carrier?.name ?? null,
        lineType: body.current_carrier?.network_type ?? null,
        ported: yesNo(body.ported, ['ported', 'assumed_ported'], ['not_ported', 'assumed_not_ported']),
        reachable: yesNo(body.reachable, ['reachable'], ['undeliverable', 'absent', 'bad_number']),
        roaming: yesNo(roaming, ['roaming'], ['not_roaming']),
      };
    },
  };
}
