import { type Config, ConfigError } from '../config/index.js';
import {
  type LineInfoSource,
  offlineLineInfoSource,
  operatorLineInfoSource,
  twilioLookupSource,
  vonageNumberInsightSource,
} from '../line-info/index.js';
import type { LookupDeps } from '../lookup/index.js';
import type { Operator } from '../operator/index.js';

/**
 * The line-information source `LINE_INFO` names (default: the operator when there is one, else
 * offline prefix data). Twilio and Vonage use the messaging credentials; `loadConfig` checked them.
 */
export function createLineInfoSource(
  config: Config,
  env: Record<string, string | undefined>,
  operator: Operator | null,
): LineInfoSource {
  const offline = offlineLineInfoSource();
  const choice = config.LINE_INFO ?? (operator ? 'operator' : 'offline');
  const timeoutMs = config.LINE_INFO_TIMEOUT_MS;
  switch (choice) {
    case 'operator':
      if (!operator) {
        throw new ConfigError('invalid LINE_INFO: operator needs OPERATOR_BASE_URL or the sandbox operator');
      }
      return operatorLineInfoSource(operator, offline);
    case 'twilio':
      return twilioLookupSource({
        baseUrl: config.TWILIO_LOOKUP_BASE_URL,
        accountSid: env.TWILIO_ACCOUNT_SID?.trim() ?? '',
        authToken: env.TWILIO_AUTH_TOKEN?.trim() ?? '',
        timeoutMs,
      });
    case 'vonage':
      return vonageNumberInsightSource({
        baseUrl: env.VONAGE_BASE_URL?.trim() || 'https://api.nexmo.com',
        apiKey: env.VONAGE_API_KEY?.trim() ?? '',
        apiSecret: env.VONAGE_API_SECRET?.trim() ?? '',
        timeoutMs,
      });
    case 'offline':
      return offline;
  }
}

/**
 * Lookup's line facts from Twilio or Vonage (`operator` lookups read the operator's line info with
 * its porting history, and `offline` ones the prefix data, themselves): what the provider does not
 * say stays unknown.
 */
export function lookupLineInfoFrom(source: LineInfoSource): Pick<LookupDeps, 'lineInfo'> {
  const name = source.name;
  if (name !== 'twilio' && name !== 'vonage') return {};
  return {
    async lineInfo(e164) {
      const facts = await source.lookup(e164);
      if (!facts) return null;
      return {
        source: name,
        operatorName: facts.carrierName,
        network: facts.network,
        lineType: facts.lineType,
        lineStatus: facts.lineStatus,
        prepaid: facts.prepaid,
        ported: facts.ported,
        portingHistory: [],
        fraudHistory: null,
      };
    },
  };
}
