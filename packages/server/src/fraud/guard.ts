import {
  type Channel,
  type NetworkBlockedEvent,
  networkBlockedReason,
  remembered,
  type Settings,
} from '@proofline/shared';
import type { z } from 'zod';
import type { Clock } from '../clock/index.js';
import type { Store } from '../store/index.js';
import { FraudCheckBypassAudit } from './audit.js';
import { type ImposedBlock, NetworkBlocks, scopeOf } from './blocks.js';
import { billedByNetwork, countryRefusal, GeoPermissionsRepository, parseGeo } from './geo.js';
import { fraudKeys, prefixOf } from './keys.js';
import { LastSeenValues } from './last-seen.js';
import { type FraudPolicy, type FraudPolicyOverrides, fraudPolicy } from './policy.js';
import { PumpingDetector } from './pumping.js';
import { SendRateLimits } from './rate-limits.js';

export type NetworkInfo = { network: string; operatorName: string | null };

/** The operator network of a number (operator line-info, else offline prefix data); null when unknown. */
export type NetworkOf = (e164: string) => Promise<NetworkInfo | null>;

/** Where `network.blocked` goes (the webhooks domain signs and delivers it). */
type NetworkBlockedListener = (siteKey: string, event: z.infer<typeof NetworkBlockedEvent>) => Promise<void>;

/** A number's wrong-code counter as the verification flow tallies it (its `WrongCodeCounter` seam). */
type WrongCodeCounter = {
  keyOf(siteKey: string, phone: string): string;
  windowMs: number;
  assertAccepted(count: number, msLeft: number): void;
};

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
  /**
   * Names a number or a number prefix in store keys without revealing it: a keyed hash (the
   * privacy module's, keyed by `SERVER_SECRET`), the same on every instance.
   */
  numberKey: (value: string) => string;
  networkOf: NetworkOf;
  onNetworkBlocked?: NetworkBlockedListener;
  policy?: FraudPolicyOverrides;
};

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
  /**
   * The wrong-code counter of `recordWrongCode` and `assertCodesAccepted`, for a code check to count
   * or read in its own store step: a new record names its key (a keyed hash of the number).
   */
  readonly wrongCodeCounter: WrongCodeCounter;
  private readonly limits: SendRateLimits;
  private readonly pumping: PumpingDetector;
  private readonly lastSeen = new LastSeenValues();

  /**
   * `deps.numberKey` for the latest 256 values: one send names its number and prefix several
   * times (the start's wrong-code key, the gate's buckets, the pumping evidence), a keyed hash
   * each; the hash is pure, so each is hashed once while its start is in flight.
   */
  private readonly numberKey: (value: string) => string;

  constructor(private readonly deps: FraudGuardDeps) {
    this.numberKey = remembered(deps.numberKey, 256);
    this.policy = fraudPolicy(deps.policy);
    this.blocks = new NetworkBlocks(deps.store, deps.clock, this.policy);
    this.geo = new GeoPermissionsRepository(deps.store);
    this.bypassAudit = new FraudCheckBypassAudit(deps.store, deps.clock);
    this.limits = new SendRateLimits(deps.store, this.policy);
    this.wrongCodeCounter = {
      keyOf: (siteKey, phone) => this.limits.wrongCodeLimit(siteKey, this.numberKey(phone)).key,
      windowMs: this.policy.wrongCodes.windowSeconds * 1_000,
      assertAccepted: (count, msLeft) => this.limits.assertCountAccepted(count, msLeft),
    };
    this.pumping = new PumpingDetector(deps.store, deps.clock, this.policy.pumping, this.numberKey);
  }

  /**
   * Decides one send. Throws `line_type_not_allowed` or `country_not_allowed` (the verification
   * is refused), `rate_limited` with `retryAfterSeconds` (nothing sent), or the store's error
   * (fail closed). Answers `{allow: false, reason}` when the channel's network is blocked, so
   * the flow moves to the next channel. Rate limits are taken only for sends that will happen.
   */
  async beforeSend(ctx: SendContext): Promise<SendDecision> {
    const network = billedByNetwork(ctx.channel) ? await this.networkFor(ctx) : null;
    // Prefix before network: pumping is judged per number range first.
    const targets = billedByNetwork(ctx.channel)
      ? [prefixOf(ctx.phone), ...(network === null ? [] : [network.network])]
      : [];
    const keys = [
      fraudKeys.geo(ctx.siteKey),
      ...targets.map((target) => fraudKeys.block(ctx.siteKey, target)),
    ];
    // Decided on the values last seen here and taken only if the store still holds them: one
    // round trip when nothing changed; a refusal is always decided on values just read.
    let values = this.lastSeen.recall(keys);
    let confirmed = false;
    for (;;) {
      const refusal = countryRefusal(parseGeo(values[0] ?? null), ctx);
      const blocked = this.blocks.firstBlockedOf(targets, values.slice(1));
      if (!confirmed && (refusal !== null || (blocked !== null && ctx.fraudCheck))) {
        values = this.lastSeen.remember(keys, await this.deps.store.getMany(keys));
        confirmed = true;
        continue;
      }
      if (refusal !== null) throw refusal;
      if (blocked !== null && ctx.fraudCheck) return { allow: false, reason: networkBlockedReason(blocked) };

      const found = await this.limits.consume(
        ctx.siteKey,
        {
          number: this.numberKey(ctx.phone),
          ...(ctx.ip ? { ip: ctx.ip } : {}),
          site: 'all',
          prefix: this.numberKey(prefixOf(ctx.phone)),
          country: ctx.country ?? 'unknown',
        },
        keys.map((key, index) => ({ key, value: values[index] ?? null })),
      );
      if (found !== null) {
        values = this.lastSeen.remember(keys, found);
        confirmed = true;
        continue;
      }
      if (!ctx.fraudCheck) {
        await this.bypassAudit.record({
          siteKey: ctx.siteKey,
          phone: ctx.phone,
          verificationId: ctx.verificationId,
          channel: ctx.channel,
          network: network?.network ?? null,
          reason: blocked
            ? `fraud_check: false; the block of [ ${blocked} ] was bypassed.`
            : 'fraud_check: false; no network block was in force.',
        });
      }
      return { allow: true };
    }
  }

  /**
   * Counts a send the provider accepted; blocks the number's prefix when its unverified traffic
   * looks like pumping, and the network once several of its prefixes were blocked.
   */
  async afterSend(ctx: SendContext & { delivered?: boolean }): Promise<void> {
    if (ctx.delivered === false || !billedByNetwork(ctx.channel)) return;
    const { siteKey } = ctx;
    const prefix = prefixOf(ctx.phone);
    const send = { siteKey, phone: ctx.phone, verificationId: ctx.verificationId };
    const network = await this.networkFor(ctx);
    const mayFind = await this.pumping.recordSend(send, network?.network ?? null);
    if (network !== null && mayFind.network) {
      const networkSince = await this.blocks.openSince(siteKey, network.network);
      const spread = await this.pumping.evaluateNetworkSpread(siteKey, network.network, networkSince);
      if (spread !== null) {
        const imposed = await this.blocks.impose(siteKey, network.network, network.operatorName, spread);
        if (imposed !== null) await this.announce(siteKey, imposed);
        return;
      }
    }
    if (!mayFind.prefix) return;
    const since = await this.blocks.openSince(siteKey, prefix);
    const finding = await this.pumping.evaluatePrefix(siteKey, ctx.phone, since);
    if (finding === null) return;
    const prefixBlock = await this.blocks.impose(siteKey, prefix, network?.operatorName ?? null, finding);
    if (prefixBlock === null) return;
    await this.announce(siteKey, prefixBlock);
    if (network === null) return;
    const prefixes = await this.pumping.recordBlockedPrefix(siteKey, network.network, prefix);
    if (prefixes < this.policy.pumping.networkMinPrefixes) return;
    const networkBlock = await this.blocks.impose(
      siteKey,
      network.network,
      network.operatorName,
      `pumping in ${prefixes} number ranges of the network`,
    );
    if (networkBlock !== null) await this.announce(siteKey, networkBlock);
  }

  /** Counts a confirmed code: conversion is what tells real users from pumped numbers. */
  async onApproved(ctx: ApprovalContext): Promise<void> {
    if (ctx.channel === null || !billedByNetwork(ctx.channel)) return;
    const verificationId = ctx.verificationId ?? ctx.phone;
    const network = await this.networkFor(ctx);
    await Promise.all([
      this.pumping.recordApproval({ siteKey: ctx.siteKey, phone: ctx.phone, verificationId }),
      network === null
        ? null
        : this.pumping.recordNetworkApproval(ctx.siteKey, network.network, verificationId),
    ]);
  }

  /** Counts a wrong code against the number at the site (all its verifications together). */
  recordWrongCode(siteKey: string, phone: string): Promise<void> {
    return this.limits.recordWrongCode(siteKey, this.numberKey(phone));
  }

  /** Refuses `rate_limited` once the number had too many wrong codes: no code is compared for it. */
  assertCodesAccepted(siteKey: string, phone: string): Promise<void> {
    return this.limits.assertCodesAccepted(siteKey, this.numberKey(phone));
  }

  private async announce(siteKey: string, imposed: ImposedBlock): Promise<void> {
    if (!this.deps.onNetworkBlocked) return;
    await this.deps.onNetworkBlocked(siteKey, {
      network: imposed.network,
      scope: scopeOf(imposed.network),
      operator_name: imposed.operatorName,
      level: imposed.level,
      blocked_until: imposed.blockedUntil === null ? null : new Date(imposed.blockedUntil).toISOString(),
      reason: networkBlockedReason(imposed.network),
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
