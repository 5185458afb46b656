import type { ErrorCode } from '@proofline/shared';
import type {
  FastifyInstance,
  FastifyPluginAsync,
  FastifyPluginOptions,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { z } from 'zod';
import { ProoflineError } from '../../errors.js';
import type { Site, TenantDirectory } from '../../tenants/index.js';
import { requireSecret } from './auth.js';
import { parseInput } from './parse.js';

/** The tags of the OpenAPI document, one per domain, in the order a reader meets them. */
export const apiTags = {
  Verification: 'One-time codes over sms, voice, whatsapp or email, and the verifications they belong to.',
  Siteverify: 'Redeeming a result token from the widget, as Cloudflare Turnstile does.',
  'Phone intelligence': 'Validation, line type, carrier, location and risk of a number.',
  'Operator checks': "Questions answered by the number's mobile operator (CAMARA APIs).",
  Settings: "The site's phone verification settings and its webhook signing secret.",
  'Workflow rules': 'Rules evaluated in the flows: conditions on lookup and verification facts, and actions.',
  Cases: 'Cases opened by rules for a reviewer.',
  'Anti-fraud': 'Network blocks, geo permissions per channel and the audit of fraud-check bypasses.',
  Documentation: 'This document.',
} as const;

/**
 * Who may call a route. `secret`: a site backend, `Authorization: Bearer sk_…` (else 401);
 * `secret_or_body`: the handler finds the key itself, as a bearer or in the body (siteverify);
 * `public`: anyone (the handler checks whatever else it needs, such as a watch's token).
 */
export type RouteAuth = 'secret' | 'secret_or_body' | 'public';

/** What the OpenAPI document says of a route besides its schemas. */
type RouteDoc = {
  tag: keyof typeof apiTags;
  summary: string;
  /** What the schemas cannot say: refinements, defaults taken from settings, special answers. */
  description?: string;
  /** Success statuses and what each means; `{200: 'OK'}` when not given. */
  success?: Partial<Record<200 | 201, string>>;
  /**
   * The codes the route itself can answer besides those every route can (`bad_request` when it
   * takes input, `unauthorized` behind the secret key, 413/415 with a body, `internal_error`,
   * `service_unavailable`).
   */
  errors?: ErrorCode[];
  /** A request body example; the tests check it against both the zod schema and the document. */
  example?: unknown;
};

type Input<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

/** What a handler is given: the site behind the secret key, and its input as parsed. */
type RouteContext<Auth extends RouteAuth, Body, Query, Params, RawBody = undefined> = {
  site: Auth extends 'secret' ? Site : null;
  body: RawBody extends true ? unknown : Input<Body>;
  query: Input<Query>;
  params: Input<Params>;
  request: FastifyRequest;
  reply: FastifyReply;
};

/**
 * One `/v1` route, described once: the Fastify route, its input parsing, its authentication and its
 * OpenAPI operation all come from this object. Schemas are the ones of `@proofline/shared`.
 */
export type RouteDefinition<
  Deps,
  Auth extends RouteAuth = RouteAuth,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Query extends z.ZodObject | undefined = z.ZodObject | undefined,
  Params extends z.ZodObject | undefined = z.ZodObject | undefined,
  Response extends z.ZodType = z.ZodType,
  RawBody extends true | undefined = true | undefined,
> = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** As Fastify writes it: `/v1/verifications/:id`. */
  path: string;
  auth: Auth;
  body?: Body;
  /**
   * Siteverify only: the handler gets the body unparsed and reads it against `body` itself, because
   * Turnstile's contract answers bad input with 200 and `error-codes`, not 400.
   */
  bodyParsedByHandler?: RawBody;
  /** Media types of the body besides JSON: forms (parsed by the app) and `+json` types (parsed as JSON). */
  accepts?: readonly string[];
  query?: Query;
  params?: Params;
  response: Response;
  /** Headers of every answer that gets past authentication, bad input included. */
  headers?: Record<string, string>;
  doc: RouteDoc;
  handler(
    context: RouteContext<Auth, Body, Query, Params, RawBody>,
    deps: Deps,
  ): Promise<z.output<Response> | FastifyReply>;
};

/** A route of any schemas, as a domain's list and the OpenAPI document hold it. */
// biome-ignore lint/suspicious/noExplicitAny: the list holds routes of different schemas; each was checked by `defineRoute`.
export type AnyRoute<Deps = any> = RouteDefinition<Deps, RouteAuth, any, any, any, z.ZodType, any>;

/** Checks a route's handler against its own schemas (the input it gets, the answer it gives). */
export function defineRoute<
  Deps,
  Auth extends RouteAuth,
  Body extends z.ZodType | undefined = undefined,
  Query extends z.ZodObject | undefined = undefined,
  Params extends z.ZodObject | undefined = undefined,
  Response extends z.ZodType = z.ZodType,
  RawBody extends true | undefined = undefined,
>(route: RouteDefinition<Deps, Auth, Body, Query, Params, Response, RawBody>): AnyRoute<Deps> {
  return route as AnyRoute<Deps>;
}

/** A domain's routes as one Fastify plugin, with the definitions kept for the OpenAPI document. */
export type RoutePlugin<Deps extends FastifyPluginOptions> = FastifyPluginAsync<Deps> & {
  routes: readonly AnyRoute<Deps>[];
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The site whose secret key authenticated the request; null on routes that are not `secret`. */
    site: Site | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

/**
 * Mounts a domain's routes. One hook authenticates every `secret` route of the domain; it runs
 * after the body is read, so a malformed body is still 400/413/415 before a missing key is 401.
 * Then body, query and params are parsed with the route's schemas: 400 `bad_request` with field paths.
 */
export function routePlugin<Deps extends FastifyPluginOptions & { tenants: TenantDirectory }>(
  routes: readonly AnyRoute<Deps>[],
): RoutePlugin<Deps> {
  const plugin: FastifyPluginAsync<Deps> = async (app, deps) => {
    app.decorateRequest('site', null);
    app.addHook('preValidation', async (request) => {
      if (request.routeOptions.config.auth === 'secret') request.site = requireSecret(request, deps.tenants);
    });
    const mount = (scope: FastifyInstance, route: AnyRoute<Deps>) =>
      scope.route({
        method: route.method,
        url: route.path,
        config: { auth: route.auth },
        handler: async (request, reply) => {
          if (route.headers) reply.headers(route.headers);
          const params = route.params ? parseInput(route.params, request.params) : undefined;
          const query = route.query ? parseInput(route.query, request.query) : undefined;
          const body = route.bodyParsedByHandler
            ? request.body
            : route.body && parseInput(route.body, request.body);
          return route.handler({ site: request.site, body, query, params, request, reply }, deps);
        },
      });
    for (const route of routes) {
      const jsonTypes = (route.accepts ?? []).filter((type) => type.endsWith('+json'));
      if (jsonTypes.length === 0) {
        mount(app, route);
        continue;
      }
      // A media type of its own is understood by this route only.
      await app.register(async (scope) => {
        for (const type of jsonTypes) scope.addContentTypeParser(type, { parseAs: 'string' }, parseJson);
        mount(scope, route);
      });
    }
  };
  return Object.assign(plugin, { routes });
}

function parseJson(
  _request: FastifyRequest,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  try {
    done(null, JSON.parse(body as string));
  } catch {
    done(new ProoflineError('bad_request', 'The body is not JSON.'));
  }
}
