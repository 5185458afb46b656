import { hashMatches, type Site } from './site.js';

export const vonageApiKeyPattern = /^[A-Za-z0-9_]{4,64}$/;
export const vonageApplicationIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const twilioAccountSidPattern = /^AC[0-9a-f]{32}$/;
export const twilioServiceSidPattern = /^VA[0-9a-f]{32}$/;

/** The documented demo credentials of the embedded demo site (docs/migrate-from-*.md). */
export const demoCompatCredentials = {
  vonage: {
    apiKey: 'pk_test_demo',
    apiSecret: 'vsk_test_demo',
    applicationId: '00000000-0000-4000-8000-000000000001',
    /** Its private half is docs/demo-keys/vonage-demo-private.key: a demo key, never for production. */
    publicKey: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvfiXhw4JnnSTSSRdc/+m
90P6XSGNN+guu+c2puQxWvbZxOsX9A4Gpk1WlfKRKlAllG5a/2R6bsX5pp5i4ACV
t3zYp19SEtvT2AwSKY8ydxhQoe68AdyTAk0V8TQ2mHu0KgPRPjPz6nSSuE+OIYls
QdW7Xc8YFMvCZ5SXIIyZWQY5eG4hS/aUH2N9YG5xsS3nlI1FFYqmUkhh5pvzgCgl
lDOE8MY5Ch8rMn3VGIMln/KNv7ODEUHLKruf46jt06pUxZrVl459GSyT+mLvr/H7
jr+KZo4y85P2RBAoDKcJrTNfo7SsRbL+doHXAsbLPgvMCHwNwirLEuD+BMmX8BB+
iwIDAQAB
-----END PUBLIC KEY-----`,
  },
  twilio: {
    accountSid: `AC${'0'.repeat(31)}1`,
    authToken: 'twilio_test_demo_token',
    serviceSid: `VA${'0'.repeat(31)}1`,
  },
} as const;

/** Every site is compared, so the time taken does not tell which one matched. */
function findMatching(sites: Iterable<Site>, matches: (site: Site) => boolean): Site | null {
  let found: Site | null = null;
  for (const site of sites) if (matches(site)) found = site;
  return found;
}

export function siteByVonageKey(sites: Iterable<Site>, apiKey: string, apiSecret: string): Site | null {
  return findMatching(
    sites,
    (site) => site.vonage?.apiKey === apiKey && hashMatches(site.vonage.apiSecretHash, apiSecret),
  );
}

export function siteByVonageApplication(sites: Iterable<Site>, applicationId: string): Site | null {
  for (const site of sites) if (site.vonage?.application?.id === applicationId) return site;
  return null;
}

export function siteByTwilioAccount(
  sites: Iterable<Site>,
  accountSid: string,
  authToken: string,
): Site | null {
  return findMatching(
    sites,
    (site) => site.twilio?.accountSid === accountSid && hashMatches(site.twilio.authTokenHash, authToken),
  );
}
