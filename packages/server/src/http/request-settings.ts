import type { Settings } from '@proofline/shared';
import type { SettingsRepository, Site } from '../tenants/index.js';

const reads = new WeakMap<object, Map<string, Promise<Settings>>>();

/**
 * The settings of a site as one HTTP request sees them: read from the store at most once per
 * request (the CORS check and then the procedure both need them), never cached across requests,
 * so a change still takes effect on the next request of every instance.
 */
export function requestSettings(
  repository: SettingsRepository,
  request: { raw: object },
): (site: Site) => Promise<Settings> {
  let perSite = reads.get(request.raw);
  if (!perSite) {
    perSite = new Map();
    reads.set(request.raw, perSite);
  }
  const memo = perSite;
  return (site) => {
    let read = memo.get(site.siteKey);
    if (!read) {
      read = repository.get(site);
      memo.set(site.siteKey, read);
    }
    return read;
  };
}
