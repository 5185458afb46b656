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
};

type OpenApiDoc = {
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

  /** `api` and operation path from a sandbox URL such as `/sandbox/operator/sim-swap/v2/check`. */
  locate(url: string): { api: string; path: string } | undefined {
    const match = /\/([a-z-]+)\/v[0-9.]+(\/[a-z-]+)$/.exec(new URL(url).pathname);
    if (!match || !this.docs.has(match[1]!)) return undefined;
    return { api: match[1]!, path: match[2]! };
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
    } else if (response.$ref) {
      ref = `${where.api}${response.$ref}/content/application~1json/schema`;
    } else {
      ref = `${where.api}${pointer('paths', where.path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
    }
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (!validate(body)) {
      throw new Error(
        `${method} ${where.path} ${status} does not fit ${files[where.api]}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
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
