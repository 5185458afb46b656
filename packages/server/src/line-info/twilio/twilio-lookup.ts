import { z } from 'zod';
import { failureOf, getJson, type HttpSourceOptions } from '../http.js';
import { LineInfoError, type LineInfoSource, unknownFacts } from '../port.js';

export type TwilioLookupOptions = HttpSourceOptions & { accountSid: string; authToken: string };

/** The part of the Lookup v2 PhoneNumber resource this source reads. */
const PhoneNumberResource = z.object({
  valid: z.boolean().nullable().optional(),
  line_type_intelligence: z
    .object({
      mobile_country_code: z.string().nullable().optional(),
      mobile_network_code: z.string().nullable().optional(),
      carrier_name: z.string().nullable().optional(),
      type: z.string().nullable().optional(),
      error_code: z.number().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * Twilio Lookup v2 with Line Type Intelligence: `GET /v2/PhoneNumbers/{E.164}?Fields=line_type_intelligence`,
 * HTTP Basic with the account SID and auth token. Gives the network (MCC+MNC), carrier and line type.
 */
export function twilioLookupSource(options: TwilioLookupOptions): LineInfoSource {
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    name: 'twilio',
    async lookup(e164) {
      const url = `${base}/v2/PhoneNumbers/${encodeURIComponent(e164)}?Fields=line_type_intelligence`;
      const answer = await getJson(url, { authorization }, options);
      // 404 (Twilio error 20404): Lookup does not know the number.
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw failureOf(answer.status, 'Twilio Lookup');
      const parsed = PhoneNumberResource.safeParse(answer.body);
      if (!parsed.success)
        throw new LineInfoError('bad_answer', 'Twilio Lookup answered an unexpected shape.');
      const { valid, line_type_intelligence: line } = parsed.data;
      if (valid === false) return null;
      // A package-level error (e.g. 60601 for Canadian numbers without access) leaves the line unknown.
      if (!line || (line.error_code ?? null) !== null) return { ...unknownFacts };
      const mcc = line.mobile_country_code ?? null;
      const mnc = line.mobile_network_code ?? null;
      return {
        ...unknownFacts,
        network: mcc && mnc ? `${mcc}${mnc}` : null,
        carrierName: line.carrier_name ?? null,
        lineType: line.type ?? null,
      };
    },
  };
}
