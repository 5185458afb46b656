import { ErrorBody, type ErrorCode, errorCatalogue } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { AppDeps } from '../../deps.js';
import { apiTags, type OpenApiDocument, type RouteDoc, routeDocs } from './openapi-routes.js';
import { SchemaCatalogue } from './openapi-schemas.js';

export type OpenApiOptions = {
  /** The server's public base URL; without it the document names its own origin (`/`). */
  serverUrl?: string | undefined;
  routes?: readonly RouteDoc[];
};

/** Fastify's `/v1/rules/:rule_id` as OpenAPI writes it: `/v1/rules/{rule_id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:(\w+)/g, '{$1}');
}

/**
 * The OpenAPI 3.1 document of the `/v1` routes, generated from the zod schemas of
 * `@proofline/shared` with zod's own `toJSONSchema`: request bodies and parameters as the route
 * accepts them (`io: 'input'`: defaults optional, coerced query strings), answers as it sends them.
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): z.infer<typeof OpenApiDocument> {
  const routes = options.routes ?? routeDocs;
  const catalogue = new SchemaCatalogue(routes);
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
    servers: [{ url: options.serverUrl ?? '/' }],
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

/**
 * `GET /v1/openapi.json`: public, built on first request (every route is registered by then) and
 * kept. It describes the routes this server mounted: the table may hold routes a deployment lacks.
 */
export function registerOpenApiRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config'>): void {
  let document: string | undefined;
  app.get('/v1/openapi.json', async (_request, reply) => {
    if (document === undefined) {
      const mounted = new Set(app.registeredRoutes.map((route) => `${route.method} ${route.url}`));
      const routes = routeDocs.filter((route) => mounted.has(`${route.method} ${route.path}`));
      document = JSON.stringify(buildOpenApiDocument({ serverUrl: deps.config.PUBLIC_URL, routes }));
    }
    return reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(document);
  });
}

function operation(route: RouteDoc, catalogue: SchemaCatalogue): Record<string, unknown> {
  const parameters = [
    ...(route.params ? catalogue.parameters(route.params, 'path') : []),
    ...(route.query ? catalogue.parameters(route.query, 'query') : []),
  ];
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.auth === 'public' ? { security: [] } : {}),
    // An empty requirement makes the key optional: siteverify also takes it as `secret` in the body.
    ...(route.auth === 'secret_or_body' ? { security: [{ secretKey: [] }, {}] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: requestBody(route, route.body, catalogue) } : {}),
    responses: { ...successResponses(route, catalogue), ...errorResponses(route, catalogue) },
  };
}

/** `POST /v1/verifications/:id/resend` → `postVerificationsByIdResend`. */
function operationId(route: RouteDoc): string {
  const words = route.path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'v1')
    .flatMap((segment) =>
      segment.startsWith(':') ? ['by', ...segment.slice(1).split('_')] : segment.split(/[-_.]/),
    );
  return route.method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

function requestBody(route: RouteDoc, body: z.ZodType, catalogue: SchemaCatalogue): Record<string, unknown> {
  const schema = catalogue.ref(body, 'input');
  const example = route.example === undefined ? {} : { example: route.example };
  return {
    // Routes read a missing body as `{}`: the body is required only when `{}` is not accepted.
    required: !body.safeParse({}).success,
    content: {
      'application/json': { schema, ...example },
      ...(route.form ? { 'application/x-www-form-urlencoded': { schema } } : {}),
    },
  };
}

function successResponses(route: RouteDoc, catalogue: SchemaCatalogue): Record<string, unknown> {
  const content = { 'application/json': { schema: catalogue.ref(route.response, 'output') } };
  return Object.fromEntries(
    Object.entries(route.success ?? { 200: 'OK' }).map(([status, description]) => [
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
function errorResponses(route: RouteDoc, catalogue: SchemaCatalogue): Record<string, unknown> {
  const codes = new Set<ErrorCode>(route.errors);
  if (route.body || route.query || route.params) codes.add('bad_request');
  if (route.body) {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  if ((route.auth ?? 'secret') === 'secret') codes.add('unauthorized');
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
