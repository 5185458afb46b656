import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter } from './port.js';
import { StoreUnavailableError } from './port.js';

/** Wraps a rate-limiter-flexible limiter in the port's shape; store failures become StoreUnavailableError. */
export function limiterFrom(limiter: RateLimiterAbstract): RateLimiter {
  return {
    async consume(key, points = 1) {
      try {
        const result = await limiter.consume(key, points);
        return { allowed: true, retryAfterMs: 0, remaining: result.remainingPoints };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return { allowed: false, retryAfterMs: Math.max(1, error.msBeforeNext), remaining: 0 };
        }
        throw new StoreUnavailableError(error);
      }
    },
    async reward(key, points = 1) {
      try {
        await limiter.reward(key, points);
      } catch (error) {
        throw new StoreUnavailableError(error);
      }
    },
    async reset(key) {
      try {
        await limiter.delete(key);
      } catch (error) {
        throw new StoreUnavailableError(error);
      }
    },
  };
}
