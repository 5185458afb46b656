import { readFileSync } from 'node:fs';
import { AllowedOrigin } from '@proofline/shared';
import { z } from 'zod';
import { hashSecret, type Site, secretMatches } from './site.js';

/** The demo site of DESIGN.md, present on embedded defaults. */
export const demoSite: Site = {
  siteKey: 'pk_test_demo',
  secretHash: hashSecret('sk_test_demo'),
  brand: 'Proofline Demo',
  allowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
};

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
}
