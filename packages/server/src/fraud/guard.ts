import {
  type Channel,
  type NetworkBlockedEvent,
  networkBlockedReason,
  type Settings,
} from '@proofline/shared';
import { phone as phoneNumbers } from '@proofline/shared/phone';
import type { z } from 'zod';
import type { Clock } from '../clock/index.js';
import type { Store } from '../store/index.js';
import { FraudCheckBypassAudit } from './audit.js';
import { NetworkBlocks } from './blocks.js';
import { assertCountryAllowed, assertLineTypeAllowed, GeoPermissionsRepository } from './geo.js';
import { prefixOf } from './keys.js';
import { type FraudPolicy, type FraudPolicyOverrides, fraudPolicy } from './policy.js';
import { PumpingDetector } from './pumping.js';
import { SendRateLimits } from './rate-limits.js';

export type NetworkInfo = { network: string; operatorName: string | null };

/** The operator network of a number (operator line-info, else offline prefix data); null when unknown. */
export type NetworkOf = (e164: string) => Promise<NetworkInfo | null>;

/** Where `network.blocked` goes (the webhooks domain signs and delivers it). */
export type NetworkBlockedListener = (
  siteKey: string,
  event: z.infer<typeof NetworkBlockedEvent>,
) => Promise<void>;

/** The verification flow's send context (its `SendGuard` seam), plus what it may already know. */
export type SendContext = {
  siteKey: string;
  settings: Settings;
  /** E.164. */
  phone: string;
  /** ISO alpha-2 of the number, null when unknown. */
  country: string | null | undefined;
  channel: Channel;
  /** The client IP of a widget call; null for site backends (REST), which have no IP bucket. */
  ip: string | null;
  /** False only from REST send-otp with the secret key: network blocks are skipped and audited. */
  fraudCheck: boolean;
  verificationId: string;
  /** When the flow already knows it (a lookup), saves asking `networkOf` again. */
  lineType?: string | null;
  network?: NetworkInfo | null;
};

export type ApprovalContext = {
  siteKey: string;
  phone: string;
  channel: Channel | null;
  /** Counts one approval per verification; without it, one per number. */
  verificationId?: string;
  network?: NetworkInfo | null;
};

export type SendDecision = { allow: true } | { allow: false; reason: string };

export type FraudGuardDeps = {
  store: Store;
  clock: Clock;
  networkOf: NetworkOf;
  onNetworkBlocked?: NetworkBlockedListener;
  policy?: FraudPolicyOverrides;
};

/** SMS and voice are billed per message to the destination network: the channels pumping abuses. */
export function billedByNetwork(channel: Channel): boolean {
  return channel === 'sms' || channel === 'voice';
}

/**
 * The anti-fraud gate of every OTP send. The verification flow calls `beforeSend` before each
 * provider call, `afterSend` once the provider accepted the message, and `onApproved` when a code
 * is confirmed; the REST routes use `blocks`, `geo` and `bypassAudit`.
 */
export class FraudGuard {
  readonly policy: FraudPolicy;
  readonly blocks: NetworkBlocks;
  readonly geo: GeoPermissionsRepository;
  readonly bypassAudit: FraudCheckBypassAudit;
  private readonly limits: SendRateLimits;
  private readonly pumping: PumpingDetector;

  constructor(private readonly deps: FraudGuardDeps) {
    this.policy = fraudPolicy(deps.policy);
    this.blocks = new NetworkBlocks(deps.store, deps.clock, this.policy);
    this.geo = new GeoPermissionsRepository(deps.store);
    this.bypassAudit = new FraudCheckBypassAudit(deps.store, deps.clock);
    this.limits = new SendRateLimits(deps.store, this.policy.rateLimits);
    this.pumping = new PumpingDetector(deps.store, deps.clock, this.policy.pumping);
  }

  /**
   * Decides one send. Throws `line_type_not_allowed` or `country_not_allowed` (the verification
   * is refused), `rate_limited` with `retryAfterSeconds` (nothing sent), or the store's error
   * (fail closed). Answers `{allow: false, reason}` when the channel's network is blocked, so
   * the flow moves to the next channel. Rate limits are taken only for sends that will happen.
   */
  async beforeSend(ctx: SendContext): Promise<SendDecision> {
    assertLineTypeAllowed(ctx.settings, ctx.lineType ?? lineTypeOf(ctx.phone));
    const [geo, network] = await Promise.all([
      this.geo.get(ctx.siteKey),
      billedByNetwork(ctx.channel) ? this.networkFor(ctx) : null,
    ]);
    assertCountryAllowed(geo, ctx.settings, ctx.channel, ctx.country);

    const blocked = network !== null && (await this.blocks.isBlocked(ctx.siteKey, network.network));
    if (blocked && ctx.fraudCheck) return { allow: false, reason: networkBlockedReason(network.network) };

    await this.limits.consume({
      number: `${ctx.siteKey}:${ctx.phone}`,
      ...(ctx.ip ? { ip: `${ctx.siteKey}:${ctx.ip}` } : {}),
      site: ctx.siteKey,
      prefix: `${ctx.siteKey}:${prefixOf(ctx.phone)}`,
      country: `${ctx.siteKey}:${ctx.country ?? 'unknown'}`,
    });

    if (!ctx.fraudCheck) {
      await this.bypassAudit.record({
        siteKey: ctx.siteKey,
        phone: ctx.phone,
        verificationId: ctx.verificationId,
        channel: ctx.channel,
        network: network?.network ?? null,
        reason: blocked
          ? `fraud_check: false; the block of network [ ${network.network} ] was bypassed.`
          : 'fraud_check: false; no network block was in force.',
      });
    }
    return { allow: true };
  }

  /** Counts a send the provider accepted and blocks the network when it looks like pumping. */
  async afterSend(ctx: SendContext & { delivered?: boolean }): Promise<void> {
    if (ctx.delivered === false || !billedByNetwork(ctx.channel)) return;
    const network = await this.networkFor(ctx);
    if (network === null) return;
    const { siteKey } = ctx;
    await this.pumping.recordSend({
      siteKey,
      network: network.network,
      phone: ctx.phone,
      verificationId: ctx.verificationId,
    });
    const since = await this.blocks.openSince(siteKey, network.network);
    const finding = await this.pumping.evaluate(siteKey, network.network, ctx.phone, since);
    if (finding === null) return;
    const imposed = await this.blocks.impose(siteKey, network.network, network.operatorName, finding);
    if (imposed === null || !this.deps.onNetworkBlocked) return;
    await this.deps.onNetworkBlocked(siteKey, {
      network: imposed.network,
      operator_name: imposed.operatorName,
      level: imposed.level,
      blocked_until: imposed.blockedUntil === null ? null : new Date(imposed.blockedUntil).toISOString(),
      reason: networkBlockedReason(imposed.network),
    });
  }

  /** Counts a confirmed code: conversion is what tells real users from pumped numbers. */
  async onApproved(ctx: ApprovalContext): Promise<void> {
    if (ctx.channel === null || !billedByNetwork(ctx.channel)) return;
    const network = await this.networkFor(ctx);
    if (network === null) return;
    await this.pumping.recordApproval({
      siteKey: ctx.siteKey,
      network: network.network,
      phone: ctx.phone,
      verificationId: ctx.verificationId ?? ctx.phone,
    });
  }

  /** Whether the channel may not reach the network now (SMS and voice only; WhatsApp and email never). */
  async channelBlocked(siteKey: string, network: string, channel: Channel): Promise<boolean> {
    return billedByNetwork(channel) && (await this.blocks.isBlocked(siteKey, network));
  }

  private networkFor(ctx: Pick<SendContext, 'phone' | 'network'>): Promise<NetworkInfo | null> {
    return ctx.network === undefined ? this.safeNetworkOf(ctx.phone) : Promise.resolve(ctx.network);
  }

  /** An operator that cannot name the network must not stop sends: that number is just not tracked. */
  private async safeNetworkOf(e164: string): Promise<NetworkInfo | null> {
    try {
      return await this.deps.networkOf(e164);
    } catch {
      return null;
    }
  }
}

function lineTypeOf(e164: string): string | null {
  const parsed = phoneNumbers.parse(e164);
  return parsed.ok ? (parsed.number.getType() ?? null) : null;
}
