/** For the page's developer: what is wrong with the setup and how to fix it (the user sees a plain message). */
export function developerFix(
  code: 'origin_not_allowed' | 'invalid_site_key',
  siteKey: string,
  apiUrl: string,
): string {
  if (code === 'origin_not_allowed') {
    return `${location.origin} is not an allowed origin of site key "${siteKey}". Add "${location.origin}" to the site's allowed_origins (PUT /v1/settings/phone-verification).`;
  }
  return `${apiUrl} knows no site key "${siteKey}". Set site-key to your site's public key (pk_…, never the secret sk_…) and check api-url.`;
}
