import { readFileSync } from 'node:fs';
import { AllowedOrigin } from '@proofline/shared';
import { z } from 'zod';
import {
  demoCompatCredentials,
  siteByTwilioAccount,
  siteByVonageApplication,
  siteByVonageKey,
  twilioAccountSidPattern,
  twilioServiceSidPattern,
  vonageApiKeyPattern,
  vonageApplicationIdPattern,
} from './compat-credentials.js';
import { hashSecret, type Site, secretMatches } from './site.js';

/** The demo site of docs/design.md, present on embedded defaults, with its documented drop-in credentials. */
export const demoSite: Site = {
  siteKey: 'pk_test_demo',
  secretHash: hashSecret('sk_test_demo'),
  brand: 'Proofline Demo',
  allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
  vonage: {
    apiKey: demoCompatCredentials.vonage.apiKey,
    apiSecretHash: hashSecret(demoCompatCredentials.vonage.apiSecret),
    application: {
      id: demoCompatCredentials.vonage.applicationId,
      publicKey: demoCompatCredentials.vonage.publicKey,
    },
  },
  twilio: {
    accountSid: demoCompatCredentials.twilio.accountSid,
    authTokenHash: hashSecret(demoCompatCredentials.twilio.authToken),
    serviceSid: demoCompatCredentials.twilio.serviceSid,
  },
};

/** Secrets are given in clear (hashed at load) or as their SHA-256 hex, never both. */
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const VonageCredentialsEntry = z
  .strictObject({
    api_key: z.string().regex(vonageApiKeyPattern),
    api_secret: z.string().min(8).max(128).optional(),
    api_secret_sha256: Sha256Hex.optional(),
    /** For JWT auth: the application's id and the PEM public key of the key pair that signs. */
    application_id: z.string().regex(vonageApplicationIdPattern).optional(),
    public_key: z.string().includes('-----BEGIN PUBLIC KEY-----').max(4096).optional(),
  })
  .refine((entry) => (entry.api_secret === undefined) !== (entry.api_secret_sha256 === undefined), {
    message: 'give exactly one of api_secret or api_secret_sha256',
  })
  .refine((entry) => (entry.application_id === undefined) === (entry.public_key === undefined), {
    message: 'give application_id and public_key together',
  });

const TwilioCredentialsEntry = z
  .strictObject({
    account_sid: z.string().regex(twilioAccountSidPattern),
    service_sid: z.string().regex(twilioServiceSidPattern),
    auth_token: z.string().min(16).max(128).optional(),
    auth_token_sha256: Sha256Hex.optional(),
  })
  .refine((entry) => (entry.auth_token === undefined) !== (entry.auth_token_sha256 === undefined), {
    message: 'give exactly one of auth_token or auth_token_sha256',
  });

/** The tenants file (`PROOFLINE_CONFIG`), as `proofline sites …` writes it. */
export const TenantFile = z.strictObject({
  sites: z
    .array(
      z
        .strictObject({
          site_key: z.string().regex(/^pk_[A-Za-z0-9_]{4,64}$/),
          secret_sha256: z
            .string()
            .regex(/^[0-9a-f]{64}$/)
            .optional(),
          secret: z
            .string()
            .regex(/^sk_[A-Za-z0-9_]{4,128}$/)
            .optional(),
          brand: z.string().min(1).max(64),
          allowed_origins: z.array(AllowedOrigin).min(1),
          vonage: VonageCredentialsEntry.optional(),
          twilio: TwilioCredentialsEntry.optional(),
        })
        .refine((site) => (site.secret === undefined) !== (site.secret_sha256 === undefined), {
          message: 'give exactly one of secret or secret_sha256',
        }),
    )
    .min(1),
});

/** Looks sites up by site key or by secret key. */
export class TenantDirectory {
  private readonly bySiteKey: Map<string, Site>;

  constructor(sites: readonly Site[]) {
    this.bySiteKey = new Map(sites.map((site) => [site.siteKey, site]));
  }

  static fromFile(path: string): TenantDirectory {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new Error(`PROOFLINE_CONFIG ${path}: ${(error as Error).message}`);
    }
    const parsed = TenantFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`PROOFLINE_CONFIG ${path}: ${issue.path.join('.')}: ${issue.message}`);
    }
    return new TenantDirectory(
      parsed.data.sites.map((site) => ({
        siteKey: site.site_key,
        secretHash: site.secret_sha256 ?? hashSecret(site.secret!),
        brand: site.brand,
        allowedOrigins: site.allowed_origins,
        ...(site.vonage
          ? {
              vonage: {
                apiKey: site.vonage.api_key,
                apiSecretHash: site.vonage.api_secret_sha256 ?? hashSecret(site.vonage.api_secret!),
                ...(site.vonage.application_id && site.vonage.public_key
                  ? { application: { id: site.vonage.application_id, publicKey: site.vonage.public_key } }
                  : {}),
              },
            }
          : {}),
        ...(site.twilio
          ? {
              twilio: {
                accountSid: site.twilio.account_sid,
                serviceSid: site.twilio.service_sid,
                authTokenHash: site.twilio.auth_token_sha256 ?? hashSecret(site.twilio.auth_token!),
              },
            }
          : {}),
      })),
    );
  }

  all(): Site[] {
    return [...this.bySiteKey.values()];
  }

  bySiteKeyOrNull(siteKey: string): Site | null {
    return this.bySiteKey.get(siteKey) ?? null;
  }

  bySecret(secret: string): Site | null {
    // Every site is compared, so the time taken does not tell which one matched.
    let found: Site | null = null;
    for (const site of this.bySiteKey.values()) {
      if (secretMatches(site, secret)) found = site;
    }
    return found;
  }

  /** The site whose Vonage-style api key and secret these are (Basic auth of the Vonage facade). */
  byVonageCredentials(apiKey: string, apiSecret: string): Site | null {
    return siteByVonageKey(this.bySiteKey.values(), apiKey, apiSecret);
  }

  /** The site owning a Vonage-style application (JWT auth of the Vonage facade; the JWT's key decides). */
  byVonageApplication(applicationId: string): Site | null {
    return siteByVonageApplication(this.bySiteKey.values(), applicationId);
  }

  /** The site whose Twilio-style account SID and auth token these are (Basic auth of the Twilio facade). */
  byTwilioCredentials(accountSid: string, authToken: string): Site | null {
    return siteByTwilioAccount(this.bySiteKey.values(), accountSid, authToken);
  }
}
