import { randomBytes } from 'node:crypto';
import { phone } from '@proofline/shared/phone';
import type { Clock } from '../../clock/index.js';
import { failures } from './failure.js';
import { type Subscriber, subscriberFrom } from './subscriber.js';

export type IssuedToken = {
  scopes: Set<string>;
  /** The line a 3-legged token is bound to; null for client credentials. */
  phone: string | null;
  /** How the line was authenticated (`nba` = network-based), as the token's `amr` claim. */
  amr: string[];
  expiresAt: number;
  /** Number verification tokens are single-use (CAMARA NumberVerification main). */
  singleUse: boolean;
  used: boolean;
};

export type AuthCode = {
  phone: string;
  scopes: Set<string>;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
};

export type Fault = { status: 429 | 501 | 503; remaining: number | null };

const maxTokens = 10_000;

/** The simulated operator's memory: its subscribers, the device's line, issued tokens and test knobs. */
export class SandboxState {
  readonly subscribers = new Map<string, Subscriber>();
  device: string | null = null;
  readonly tokens = new Map<string, IssuedToken>();
  readonly codes = new Map<string, AuthCode>();
  fault: Fault | null = null;
  latencyMs = 0;

  constructor(readonly clock: Clock) {}

  /** The line of a number, or the CAMARA error a real operator would answer. */
  line(number: string): Subscriber {
    const known = this.subscribers.get(number);
    if (known) {
      if (!known.service_applicable) throw failures.serviceNotApplicable();
      return known;
    }
    if (!isDefaultMobile(number)) throw failures.identifierNotFound();
    return subscriberFrom({});
  }

  /** Whether the operator knows the number at all (admin GET shows defaults for them too). */
  knows(number: string): boolean {
    return this.subscribers.has(number) || isDefaultMobile(number);
  }

  issueToken(token: Omit<IssuedToken, 'used'>): string {
    if (this.tokens.size >= maxTokens) this.dropExpired();
    const value = randomBytes(24).toString('base64url');
    this.tokens.set(value, { ...token, used: false });
    return value;
  }

  /** The token behind a Bearer value, if it is known, unexpired and unused. */
  validToken(value: string): IssuedToken | undefined {
    const token = this.tokens.get(value);
    if (!token || token.used || token.expiresAt <= this.clock.now()) return undefined;
    return token;
  }

  issueCode(code: Omit<AuthCode, 'expiresAt'>): string {
    const value = randomBytes(24).toString('base64url');
    this.codes.set(value, { ...code, expiresAt: this.clock.now() + 60_000 });
    return value;
  }

  /** Codes are single-use: taking one removes it whether or not the exchange succeeds. */
  takeCode(value: string): AuthCode | undefined {
    const code = this.codes.get(value);
    this.codes.delete(value);
    if (!code || code.expiresAt <= this.clock.now()) return undefined;
    return code;
  }

  /** The status the next CAMARA call must fail with, counting down a limited fault. */
  takeFault(): number | null {
    const fault = this.fault;
    if (!fault) return null;
    if (fault.remaining !== null) {
      fault.remaining--;
      if (fault.remaining <= 0) this.fault = null;
    }
    return fault.status;
  }

  private dropExpired(): void {
    const now = this.clock.now();
    for (const [value, token] of this.tokens)
      if (token.expiresAt <= now || token.used) this.tokens.delete(value);
  }
}

/** docs/design.md: a never-upserted number that libphonenumber types as mobile is an active default line. */
function isDefaultMobile(number: string): boolean {
  const parsed = phone.parse(number);
  if (!parsed.ok) return false;
  const type = parsed.number.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
