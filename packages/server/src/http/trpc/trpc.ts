import { initTRPC } from '@trpc/server';
import { ProoflineError } from '../../errors.js';
import { originMatches } from '../../tenants/index.js';
import { toProoflineError, toTRPCError } from '../errors.js';
import type { Context } from './context.js';

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    // data.code carries our snake_case catalogue code; no stack trace ever leaves the server.
    const mapped = toProoflineError(error.cause ?? error);
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message: mapped.message,
      data: {
        ...data,
        code: mapped.code,
        httpStatus: mapped.status,
        ...(mapped.details === undefined ? {} : { details: mapped.details }),
        ...(mapped.retryAfterSeconds === undefined ? {} : { retryAfter: mapped.retryAfterSeconds }),
      },
    };
  },
});

export const router = t.router;

/** Domain errors thrown inside a procedure become TRPCErrors with the right status. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error.cause ?? result.error);
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/**
 * Widget procedures: the input's `siteKey` must name a site, and the calling page's Origin must be
 * one of the site's allowed origins. Narrows `ctx.site` and loads `ctx.settings` once.
 */
export const widgetProcedure = publicProcedure.use(async ({ ctx, getRawInput, next }) => {
  const input = (await getRawInput()) as { siteKey?: unknown } | undefined;
  const siteKey = typeof input?.siteKey === 'string' ? input.siteKey : '';
  const site = ctx.deps.tenants.bySiteKeyOrNull(siteKey);
  if (!site) throw toTRPCError(new ProoflineError('invalid_site_key'));
  const settings = await ctx.settingsOf(site);
  const allowed =
    ctx.origin !== null && settings.allowed_origins.some((pattern) => originMatches(pattern, ctx.origin!));
  if (!allowed) throw toTRPCError(new ProoflineError('origin_not_allowed'));
  return next({ ctx: { ...ctx, site, settings } });
});
