import {
  CheckVerificationInput,
  ResendVerificationInput,
  StartVerificationInput,
  VerificationRef,
  type VerificationView,
} from '@proofline/shared';
import { type Caller, toWidgetView, type VerificationState } from '../../verification/index.js';
import type { Context } from './context.js';
import { router, widgetProcedure } from './trpc.js';

type WidgetContext = Context & { site: { siteKey: string }; settings: NonNullable<Caller['settings']> };

function callerOf(ctx: WidgetContext): Caller {
  return {
    siteKey: ctx.site.siteKey,
    surface: 'widget',
    settings: ctx.settings,
    ip: ctx.ip,
    hostname: hostOf(ctx.origin),
  };
}

function hostOf(origin: string | null): string | null {
  if (origin === null) return null;
  try {
    return new URL(origin).hostname;
  } catch {
    return null;
  }
}

const view = (state: VerificationState): VerificationView =>
  toWidgetView(state.record, state.attempts, state.token);

/** The widget's verification procedures; each one call into the verification service. */
export const verificationRouter = router({
  start: widgetProcedure.input(StartVerificationInput).mutation(async ({ ctx, input }) => {
    const { siteKey: _siteKey, ...start } = input;
    return view(await ctx.deps.verification.start(callerOf(ctx), start));
  }),
  get: widgetProcedure
    .input(VerificationRef)
    .query(async ({ ctx, input }) =>
      view(await ctx.deps.verification.get(callerOf(ctx), input.verificationId)),
    ),
  resend: widgetProcedure
    .input(ResendVerificationInput)
    .mutation(async ({ ctx, input }) =>
      view(await ctx.deps.verification.resend(callerOf(ctx), input.verificationId, input.channel)),
    ),
  check: widgetProcedure
    .input(CheckVerificationInput)
    .mutation(async ({ ctx, input }) =>
      view(
        await ctx.deps.verification.check(
          callerOf(ctx),
          { verificationId: input.verificationId },
          input.code,
        ),
      ),
    ),
  cancel: widgetProcedure
    .input(VerificationRef)
    .mutation(async ({ ctx, input }) =>
      view(await ctx.deps.verification.cancel(callerOf(ctx), input.verificationId)),
    ),
});
