import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The official CAMARA files, copied verbatim into `spec/camara` (their sources in its README). */
const specsDir = fileURLToPath(new URL('../../../../spec/camara/', import.meta.url));

/** Which file describes which API base (the aggregator's `v0` paths share the shapes of the current files). */
const files: Record<string, string> = {
  'number-verification': 'number-verification.yaml',
  'sim-swap': 'sim-swap.yaml',
  'device-swap': 'device-swap.yaml',
  'number-recycling': 'number-recycling.yaml',
  'kyc-match': 'kyc-match.yaml',
  'kyc-tenure': 'kyc-tenure.yaml',
  'kyc-age-verification': 'kyc-age-verification.yaml',
  'device-roaming-status': 'device-roaming-status.yaml',
  'device-reachability-status': 'device-reachability-status.yaml',
  'call-forwarding-signal': 'call-forwarding-signal.yaml',
  'sim-swap-subscriptions': 'sim-swap-subscriptions.yaml',
  'device-roaming-status-subscriptions': 'device-roaming-status-subscriptions.yaml',
  'device-reachability-status-subscriptions': 'device-reachability-status-subscriptions.yaml',
};

type OpenApiDoc = {
  components: { schemas: Record<string, { discriminator?: { mapping: Record<string, string> } }> };
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: unknown }> }>>;
};

const pointer = (...parts: string[]) =>
  `#/${parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/**
 * Validates sandbox answers against the OpenAPI files: the body against the documented response of
 * that status (or `ErrorInfo` for a standard code the file does not list), and the x-correlator echo.
 */
export class CamaraSpecs {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly docs = new Map<string, OpenApiDoc>();
  private readonly compiled = new Map<string, ValidateFunction>();
  validated = 0;

  constructor() {
    addFormats(this.ajv);
    for (const [api, file] of Object.entries(files)) {
      const doc = parse(readFileSync(`${specsDir}/${file}`, 'utf8')) as OpenApiDoc;
      this.docs.set(api, doc);
      this.ajv.addSchema(doc as object, api);
    }
  }

  /**
   * `api` and operation path (as the file writes it, `{param}` included) from a sandbox URL such as
   * `/sandbox/operator/sim-swap/v2/check` or `…/sim-swap-subscriptions/v0.3/subscriptions/<id>`.
   */
  locate(url: string): { api: string; path: string } | undefined {
    const pathname = new URL(url).pathname;
    for (const [api, doc] of this.docs) {
      const match = new RegExp(`/${api}/v[0-9.]+(/.*)$`).exec(pathname);
      if (!match) continue;
      const path = Object.keys(doc.paths).find((template) =>
        new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(match[1]!),
      );
      if (path) return { api, path };
    }
    return undefined;
  }

  /**
   * Checks a CloudEvent a sandbox subscription sent against the file's event schema for its `type`
   * (the `CloudEvent` discriminator mapping, which ajv does not follow by itself).
   */
  checkEvent(api: string, event: { type?: unknown }): void {
    const doc = this.docs.get(api);
    if (!doc) throw new Error(`no CAMARA spec for ${api}`);
    const mapping = doc.components.schemas.CloudEvent?.discriminator?.mapping ?? {};
    const target = mapping[String(event.type)];
    if (!target) throw new Error(`${String(event.type)} is not an event type of ${files[api]}`);
    this.validate(`${api}${target}`, event, `${api} event ${String(event.type)}`);
  }

  /** Throws with ajv's errors when the answer does not fit the spec. */
  check(url: string, method: string, status: number, body: unknown): void {
    const where = this.locate(url);
    if (!where) throw new Error(`no CAMARA spec for ${url}`);
    const doc = this.docs.get(where.api)!;
    const operation = doc.paths[where.path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${where.path} is not in ${files[where.api]}`);
    const response = operation.responses[String(status)];
    let ref: string;
    if (response === undefined) {
      if (status < 400) throw new Error(`${status} is not documented for ${method} ${where.path}`);
      ref = `${where.api}#/components/schemas/ErrorInfo`;
    } else if (!response.$ref && !response.content) {
      if (body !== undefined) throw new Error(`${method} ${where.path} ${status} must have no body`);
      this.validated++;
      return;
    } else if (response.$ref) {
      ref = `${where.api}${response.$ref}/content/application~1json/schema`;
    } else {
      ref = `${where.api}${pointer('paths', where.path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
    }
    this.validate(ref, body, `${method} ${where.path} ${status} (${files[where.api]})`);
  }

  private validate(ref: string, body: unknown, what: string): void {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `${what} does not fit: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
      );
    }
    this.validated++;
  }
}

/**
 * A fetch for the adapter that checks every CAMARA answer against its spec and the x-correlator
 * echo, and counts requests by path (token endpoint included) so tests can see retries and caching.
 */
export function checkingFetch(specs: CamaraSpecs) {
  const calls: string[] = [];
  const problems: string[] = [];
  const fetchImpl = async (url: string, init: RequestInit): Promise<Response> => {
    calls.push(new URL(url).pathname);
    const response = await fetch(url, init);
    if (specs.locate(url)) {
      const text = await response.clone().text();
      try {
        specs.check(url, init.method ?? 'GET', response.status, text === '' ? undefined : JSON.parse(text));
        const sent = new Headers(init.headers).get('x-correlator');
        if (sent && response.headers.get('x-correlator') !== sent)
          problems.push(`x-correlator not echoed by ${url}`);
      } catch (error) {
        problems.push(String(error));
      }
    }
    return response;
  };
  return { fetch: fetchImpl, calls, problems };
}
