import { ConfigGetInput, type WidgetConfig } from '@proofline/shared';
import { publicProcedure, router, widgetProcedure } from './trpc.js';
import { verificationRouter } from './verification-router.js';

const configRouter = router({
  get: widgetProcedure.input(ConfigGetInput).query(
    ({ ctx }): WidgetConfig => ({
      siteKey: ctx.site.siteKey,
      brand: ctx.settings.brand,
      channels: ctx.settings.channels,
      silent: ctx.settings.silent,
      countries: ctx.settings.allowed_countries,
      codeLength: ctx.settings.code_length,
      locale: ctx.settings.locale,
    }),
  ),
});

export const appRouter = router({
  /** A no-op: the baseline the benchmarks compare every procedure with (same stack, no domain work). */
  ping: publicProcedure.query(() => ({ ok: true as const })),
  config: configRouter,
  verification: verificationRouter,
});

export type AppRouter = typeof appRouter;
