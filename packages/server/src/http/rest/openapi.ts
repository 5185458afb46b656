import { ErrorBody, type ErrorCode, errorCatalogue } from '@proofline/shared';
import { z } from 'zod';
import type { TenantDirectory } from '../../tenants/index.js';
import { SchemaCatalogue } from './openapi-schemas.js';
import { type AnyRoute, apiTags, defineRoute, routePlugin } from './route.js';

/** Only the shape of the top level: the rest of the document is described by the OpenAPI 3.1 schema. */
const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** Fastify's `/v1/rules/:rule_id` as OpenAPI writes it: `/v1/rules/{rule_id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:(\w+)/g, '{$1}');
}

/**
 * The OpenAPI 3.1 document of `/v1` routes, generated from their definitions and the zod schemas of
 * `@proofline/shared` with zod's own `toJSONSchema`: request bodies and parameters as the route
 * accepts them (`io: 'input'`: defaults optional, coerced query strings), answers as it sends them.
 */
export function buildOpenApiDocument(
  routes: readonly AnyRoute[],
  serverUrl?: string,
): z.infer<typeof OpenApiDocument> {
  const catalogue = new SchemaCatalogue(routes, { OpenApiDocument });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, catalogue);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Proofline REST API',
      version: '1.0.0',
      description:
        'REST for site backends: phone verification with one-time codes, result tokens (siteverify), ' +
        'phone intelligence, operator checks, settings, workflow rules, cases and anti-fraud. Bodies ' +
        'and answers are JSON in snake_case; every error is `{error: {code, message, details?}}`.',
    },
    servers: [{ url: serverUrl ?? '/' }],
    tags: Object.entries(apiTags).map(([name, description]) => ({ name, description })),
    security: [{ secretKey: [] }],
    paths,
    components: {
      securitySchemes: {
        secretKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'sk_…',
          description: "The site's secret key: `Authorization: Bearer sk_…`. Never send it from a browser.",
        },
      },
      schemas: catalogue.components(),
    },
  };
}

export type OpenApiRouteDeps = {
  tenants: TenantDirectory;
  /** The document as JSON, built once on first request: see {@link openApiDocumentOf}. */
  document: () => string;
};

/**
 * The document of the routes a server mounted (the operator-backed ones only where an operator is
 * wired in), built on first use and kept.
 */
export function openApiDocumentOf(mounted: readonly AnyRoute[], serverUrl: string | undefined): () => string {
  let json: string | undefined;
  return () => {
    json ??= JSON.stringify(buildOpenApiDocument(mounted, serverUrl));
    return json;
  };
}

/** `GET /v1/openapi.json`: public. */
export const openApiRoutes = routePlugin<OpenApiRouteDeps>([
  defineRoute({
    method: 'GET',
    path: '/v1/openapi.json',
    auth: 'public',
    response: OpenApiDocument,
    headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' },
    doc: { tag: 'Documentation', summary: 'This OpenAPI 3.1 document' },
    handler: async ({ reply }, deps) => reply.type('application/json; charset=utf-8').send(deps.document()),
  }),
]);
function operation(route: AnyRoute, catalogue: SchemaCatalogue): Record<string, unknown> {
  const parameters = [
    ...(route.params ? catalogue.parameters(route.params, 'path') : []),
    ...(route.query ? catalogue.parameters(route.query, 'query') : []),
  ];
  return {
    operationId: operationId(route),
    summary: route.doc.summary,
    ...(route.doc.description ? { description: route.doc.description } : {}),
    tags: [route.doc.tag],
    ...(route.auth === 'public' ? { security: [] } : {}),
    // An empty requirement makes the key optional: siteverify also takes it as `secret` in the body.
    ...(route.auth === 'secret_or_body' ? { security: [{ secretKey: [] }, {}] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBody(route, route.body, catalogue) } : {}),
    responses: { ...successResponses(route, catalogue), ...errorResponses(route, catalogue) },
  };
}

/** `POST /v1/verifications/:id/resend` → `postVerificationsByIdResend`. */
function operationId(route: AnyRoute): string {
  const words = route.path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', ...segment.slice(1).split('_')] : segment.split(/[-_.]/),
    );
  return route.method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

function requestBody(route: AnyRoute, body: z.ZodType, catalogue: SchemaCatalogue): Record<string, unknown> {
  const schema = catalogue.ref(body, 'input');
  const example = route.doc.example === undefined ? {} : { example: route.doc.example };
  return {
    // Routes read a missing body as `{}`: the body is required only when `{}` is not accepted.
    required: !body.safeParse({}).success,
    content: {
      'application/json': { schema, ...example },
      ...Object.fromEntries((route.accepts ?? []).map((type) => [type, { schema }])),
    },
  };
}

function successResponses(route: AnyRoute, catalogue: SchemaCatalogue): Record<string, unknown> {
  const content = { 'application/json': { schema: catalogue.ref(route.response, 'output') } };
  return Object.fromEntries(
    Object.entries(route.doc.success ?? { 200: 'OK' }).map(([status, description]) => [
      status,
      { description, content },
    ]),
  );
}

const retryAfter = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer', minimum: 0 },
};

/** The codes a route can answer, grouped by status; each answer is `ErrorBody` narrowed to its codes. */
function errorResponses(route: AnyRoute, catalogue: SchemaCatalogue): Record<string, unknown> {
  const codes = new Set<ErrorCode>(route.doc.errors);
  if (route.body || route.query || route.params) codes.add('bad_request');
  if (route.body) {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  if (route.auth === 'secret') codes.add('unauthorized');
  codes.add('internal_error');
  codes.add('service_unavailable');

  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of Object.keys(errorCatalogue) as ErrorCode[]) {
    if (!codes.has(code)) continue;
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const errorBody = catalogue.ref(ErrorBody, 'output');
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => {
        const headers =
          status === 429 || status === 503
            ? {
                headers: {
                  'Retry-After': {
                    ...retryAfter,
                    description:
                      status === 429
                        ? 'Seconds to wait; sent with `rate_limited` and `resend_cooldown` (also in `details.retry_after`).'
                        : 'Seconds to wait, when the service knows (an operator that asked callers to back off).',
                  },
                },
              }
            : {};
        return [
          String(status),
          {
            description: list.map((code) => `\`${code}\`: ${errorCatalogue[code].message}`).join(' '),
            ...headers,
            content: {
              'application/json': {
                schema: {
                  allOf: [errorBody, { properties: { error: { properties: { code: { enum: list } } } } }],
                },
              },
            },
          },
        ];
      }),
  );
}
