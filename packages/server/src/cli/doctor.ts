import nodemailer from 'nodemailer';
import { createStore } from '../app.js';
import { systemClock } from '../clock/index.js';
import { type Config, durabilityProblems, loadConfig, productionRefusal } from '../config/index.js';
import { type MessagingConfig, messagingConfigFromEnv } from '../messaging/index.js';
import { TenantDirectory } from '../tenants/index.js';
import { parseSigningKeys, TokenIssuer } from '../tokens/index.js';

/** One finding: `ok` or what is wrong, in one line. */
export type Finding = { ok: boolean; what: string };

type Env = Record<string, string | undefined>;

const timeoutMs = 5_000;

/**
 * Checks a production configuration the way the server would use it, without starting it: the
 * start-up refusals, the keys, Redis persistence and eviction, and whether each configured
 * provider answers with these credentials. Every problem is reported, not only the first.
 */
export async function doctor(env: Env): Promise<Finding[]> {
  const findings: Finding[] = [];
  const ok = (what: string) => findings.push({ ok: true, what });
  const fail = (what: string) => findings.push({ ok: false, what });

  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    fail(`configuration: ${(error as Error).message}`);
    return findings;
  }
  if (config.NODE_ENV !== 'production') fail('NODE_ENV is not production: embedded defaults apply');

  let messaging: MessagingConfig | null = null;
  try {
    messaging = messagingConfigFromEnv(env);
  } catch (error) {
    fail(`messaging: ${(error as Error).message}`);
  }
  let siteKeys: string[] = [];
  if (config.PROOFLINE_CONFIG) {
    try {
      siteKeys = TenantDirectory.fromFile(config.PROOFLINE_CONFIG)
        .all()
        .map((site) => site.siteKey);
      ok(`sites: ${siteKeys.length} in ${config.PROOFLINE_CONFIG}`);
    } catch (error) {
      fail(`sites: ${(error as Error).message}`);
    }
  }
  if (messaging) {
    const { sms, voice, whatsapp, email } = messaging;
    const refusal = productionRefusal(config, { channels: { sms, voice, whatsapp, email }, siteKeys });
    if (refusal) fail(`start-up would be refused: ${refusal}`);
    else ok(`channels: sms ${sms}, voice ${voice}, whatsapp ${whatsapp}, email ${email}`);
  }

  if (config.SIGNING_KEY) {
    try {
      const keys = parseSigningKeys(config.SIGNING_KEY);
      await TokenIssuer.create({ issuer: 'urn:proofline', clock: systemClock, signingKeys: keys });
      ok(`signing keys: ${keys.length}`);
    } catch (error) {
      fail(`signing keys: ${(error as Error).message}`);
    }
  }
  if (!config.DATA_KEY) fail('DATA_KEY is not set: make one with `proofline secrets generate`');
  if (!config.METRICS_TOKEN) fail('METRICS_TOKEN is not set: /metrics answers 401 to everyone');

  await checkRedis(config, ok, fail);
  if (messaging) await checkProviders(messaging, ok, fail);
  if (config.OPERATOR_BASE_URL) await checkOperator(config, ok, fail);
  return findings;
}

type Report = (what: string) => void;

async function checkRedis(config: Config, ok: Report, fail: Report): Promise<void> {
  if (!config.REDIS_URL && !config.REDIS_CLUSTER_NODES && !config.REDIS_SENTINELS) return;
  const store = await createStore(config, systemClock);
  try {
    await store.ping();
    const durability = await store.durability();
    const problems = durabilityProblems(durability);
    for (const problem of problems) fail(`redis: ${problem}`);
    if (problems.length === 0) ok('redis: answers, persistence on, maxmemory-policy noeviction');
  } catch (error) {
    fail(`redis: does not answer (${(error as Error).message})`);
  } finally {
    await store.close();
  }
}

/** Asks each provider for something harmless that needs the credentials (no message is sent). */
async function checkProviders(messaging: MessagingConfig, ok: Report, fail: Report): Promise<void> {
  const used = new Set([messaging.sms, messaging.voice, messaging.whatsapp, messaging.email]);
  if (used.has('twilio') && messaging.twilio) {
    const { accountSid, authToken, baseUrl = 'https://api.twilio.com' } = messaging.twilio;
    await answers(
      'twilio',
      `${baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}.json`,
      { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
      ok,
      fail,
    );
  }
  if (used.has('vonage') && messaging.vonage?.apiKey && messaging.vonage.apiSecret) {
    const { apiKey, apiSecret, baseUrl = 'https://rest.nexmo.com' } = messaging.vonage;
    const query = new URLSearchParams({ api_key: apiKey, api_secret: apiSecret });
    await answers('vonage', `${baseUrl.replace(/\/+$/, '')}/account/get-balance?${query}`, {}, ok, fail);
  }
  if (used.has('smtp') && messaging.smtp) {
    const transport = nodemailer.createTransport({
      url: messaging.smtp.url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    try {
      await transport.verify();
      ok('smtp: accepts the connection and the credentials');
    } catch (error) {
      fail(`smtp: ${(error as Error).message}`);
    } finally {
      transport.close();
    }
  }
}

async function checkOperator(config: Config, ok: Report, fail: Report): Promise<void> {
  if (config.OPERATOR_CLIENT_AUTH === 'private_key_jwt') return;
  const tokenUrl =
    config.OPERATOR_TOKEN_URL ?? `${config.OPERATOR_BASE_URL!.replace(/\/+$/, '')}/oauth2/token`;
  const basic = Buffer.from(`${config.OPERATOR_CLIENT_ID}:${config.OPERATOR_CLIENT_SECRET}`).toString(
    'base64',
  );
  try {
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.ok) ok('operator: issues a token to these client credentials');
    else fail(`operator: the token endpoint answered HTTP ${response.status}`);
  } catch (error) {
    fail(`operator: ${tokenUrl} does not answer (${(error as Error).message})`);
  }
}

async function answers(
  name: string,
  url: string,
  headers: Record<string, string>,
  ok: Report,
  fail: Report,
): Promise<void> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) ok(`${name}: accepts the credentials`);
    else if (response.status === 401 || response.status === 403) fail(`${name}: refuses the credentials`);
    else fail(`${name}: answered HTTP ${response.status}`);
  } catch (error) {
    fail(`${name}: ${new URL(url).origin} does not answer (${(error as Error).message})`);
  }
}
