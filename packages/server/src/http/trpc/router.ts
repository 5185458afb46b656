import { ConfigGetInput, type WidgetConfig } from '@proofline/shared';
import { router, widgetProcedure } from './trpc.js';

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
  config: configRouter,
});

export type AppRouter = typeof appRouter;
