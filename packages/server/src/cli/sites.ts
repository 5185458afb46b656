import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hashSecret, vonageApplicationIdPattern } from '../tenants/index.js';
import { parseOrigins, readTenantFile, type TenantEntry, writeTenantFile } from './tenants-file.js';
import { UsageError } from './usage-error.js';

/** A new live key pair: the site key is public, the secret key is printed once and stored hashed. */
function newKeys(): { siteKey: string; secret: string } {
  return {
    siteKey: `pk_live_${randomBytes(12).toString('hex')}`,
    secret: `sk_live_${randomBytes(24).toString('hex')}`,
  };
}

function brandOf(name: string | undefined): string {
  const brand = name?.trim() ?? '';
  if (brand.length < 1 || brand.length > 64) throw new UsageError('--name must be 1 to 64 characters');
  return brand;
}

function findSite(sites: readonly TenantEntry[], siteKey: string | undefined, path: string): number {
  if (!siteKey) throw new UsageError('give --site <site key> (see `proofline sites list`)');
  const index = sites.findIndex((site) => site.site_key === siteKey);
  if (index === -1) throw new UsageError(`no site ${siteKey} in ${path}`);
  return index;
}

const restartNote = 'Restart the servers (or roll them) to apply.';

export function createSite(path: string, options: { name?: string; origins: string[] }): string[] {
  const brand = brandOf(options.name);
  const allowedOrigins = parseOrigins(options.origins);
  const file = readTenantFile(path);
  const { siteKey, secret } = newKeys();
  writeTenantFile(path, {
    sites: [
      ...file.sites,
      { site_key: siteKey, secret_sha256: hashSecret(secret), brand, allowed_origins: allowedOrigins },
    ],
  });
  return [
    `site key:   ${siteKey}`,
    `secret key: ${secret}`,
    `The secret key is shown once: keep it in your backend's secrets. Written to ${path}.`,
    restartNote,
  ];
}

export function listSites(path: string): string[] {
  const { sites } = readTenantFile(path);
  if (sites.length === 0) return [`no sites in ${path}`];
  return sites.map((site) => `${site.site_key}  ${site.brand}  ${site.allowed_origins.join(' ')}`);
}

export function rotateSecret(path: string, siteKey: string | undefined): string[] {
  const file = readTenantFile(path);
  const index = findSite(file.sites, siteKey, path);
  const secret = `sk_live_${randomBytes(24).toString('hex')}`;
  const { secret: _plain, ...site } = file.sites[index]!;
  const sites = [...file.sites];
  sites[index] = { ...site, secret_sha256: hashSecret(secret) };
  writeTenantFile(path, { sites });
  return [
    `secret key: ${secret}`,
    `The old secret key stops working when the servers restart. Written to ${path}.`,
    restartNote,
  ];
}

export function setOrigins(path: string, siteKey: string | undefined, origins: string[]): string[] {
  const allowedOrigins = parseOrigins(origins);
  const file = readTenantFile(path);
  const index = findSite(file.sites, siteKey, path);
  const sites = [...file.sites];
  sites[index] = { ...sites[index]!, allowed_origins: allowedOrigins };
  writeTenantFile(path, { sites });
  return [`${siteKey}: ${allowedOrigins.join(' ')}. Written to ${path}.`, restartNote];
}

/**
 * New Vonage-style credentials for the site (replacing any): an api key and secret for Basic auth,
 * and with `publicKeyFile` an application (the id given, so Vonage code keeps its own, or a new one)
 * whose JWTs that key pair signs. Secrets print once.
 */
export function issueVonageCredentials(
  path: string,
  siteKey: string | undefined,
  application: { publicKeyFile?: string | undefined; id?: string | undefined },
): string[] {
  const { publicKeyFile } = application;
  if (
    application.id !== undefined &&
    (publicKeyFile === undefined || !vonageApplicationIdPattern.test(application.id))
  )
    throw new UsageError('--application-id takes a UUID (lowercase), with --public-key');
  const file = readTenantFile(path);
  const index = findSite(file.sites, siteKey, path);
  let publicKey: string | null = null;
  if (publicKeyFile !== undefined) {
    try {
      publicKey = createPublicKey(readFileSync(publicKeyFile))
        .export({ type: 'spki', format: 'pem' })
        .toString();
    } catch (error) {
      throw new UsageError(`--public-key ${publicKeyFile}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const apiKey = randomBytes(4).toString('hex');
  const apiSecret = randomBytes(16).toString('base64url');
  const applicationId = application.id ?? randomUUID();
  const sites = [...file.sites];
  sites[index] = {
    ...sites[index]!,
    vonage: {
      api_key: apiKey,
      api_secret_sha256: hashSecret(apiSecret),
      ...(publicKey ? { application_id: applicationId, public_key: publicKey } : {}),
    },
  };
  writeTenantFile(path, { sites });
  return [
    `api key:        ${apiKey}`,
    `api secret:     ${apiSecret}`,
    ...(publicKey ? [`application id: ${applicationId}`] : []),
    `The api secret is shown once. Written to ${path}.`,
    restartNote,
  ];
}

/** New Twilio-style credentials for the site (replacing any): account SID, auth token, service SID. */
export function issueTwilioCredentials(path: string, siteKey: string | undefined): string[] {
  const file = readTenantFile(path);
  const index = findSite(file.sites, siteKey, path);
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const serviceSid = `VA${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const sites = [...file.sites];
  sites[index] = {
    ...sites[index]!,
    twilio: { account_sid: accountSid, service_sid: serviceSid, auth_token_sha256: hashSecret(authToken) },
  };
  writeTenantFile(path, { sites });
  return [
    `account SID: ${accountSid}`,
    `auth token:  ${authToken}`,
    `service SID: ${serviceSid}`,
    `The auth token is shown once. Written to ${path}.`,
    restartNote,
  ];
}
