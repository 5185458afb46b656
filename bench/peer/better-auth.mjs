// The peer of `pnpm bench`: the better-auth phone-number plugin, the closest open-source TypeScript
// alternative, set up as its docs recommend for more than one server — Redis secondary storage
// (@better-auth/redis-storage on ioredis) for verification values and rate limits — with a no-op SMS
// sender. Its own process, like Proofline's server; prints its listening line for bench/lib.mjs.
// Bench-only: a root devDependency, never shipped.
import { createServer } from 'node:http';
import { redisStorage } from '@better-auth/redis-storage';
import { betterAuth } from 'better-auth';
import { toNodeHandler } from 'better-auth/node';
import { phoneNumber } from 'better-auth/plugins';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keyPrefix = process.env.PEER_KEY_PREFIX ?? 'bench-peer:';
/** As lifted as Proofline's FRAUD_POLICY in the bench: load from one machine is not a rate-limit test. */
const generous = { window: 60, max: 1_000_000_000 };

const auth = betterAuth({
  baseURL: 'http://localhost',
  secret: process.env.PEER_SECRET,
  secondaryStorage: redisStorage({ client: redis, keyPrefix }),
  rateLimit: {
    enabled: true,
    storage: 'secondary-storage',
    ...generous,
    customRules: { '/phone-number/send-otp': generous },
  },
  // The load generator sends one X-Forwarded-For per request, as it does to Proofline.
  advanced: { ipAddress: { ipAddressHeaders: ['x-forwarded-for'] } },
  logger: { level: 'error' },
  plugins: [
    phoneNumber({
      // The no-op sender: what is measured is the library's own work, as with Proofline's dev sender.
      sendOTP: () => {},
    }),
  ],
});

const server = createServer(toNodeHandler(auth));
server.listen(Number(process.env.PEER_PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`better-auth peer listening on http://127.0.0.1:${port}`);
});
const stop = () => server.close(() => redis.quit().finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
