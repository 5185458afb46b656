import { randomUUID } from 'node:crypto';
import {
  type Case,
  type CaseList,
  type CaseListQuery,
  type CasePriority,
  maskPhone,
} from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import type { Store } from '../store/index.js';

/** What a `create_case` action (or a reviewer tool) opens; the phone is E.164 and masked on write. */
export type NewCase = {
  case_type: string;
  priority: CasePriority;
  title: string;
  verification_id: string | null;
  phone: string | null;
  flags: readonly string[];
};

const retentionMs = 90 * 24 * 3_600_000;
/** How many index entries one page may read while filtering, so a selective filter stays cheap. */
const maxScannedPerPage = 1_000;

const sequenceKey = (siteKey: string) => `site:{${siteKey}}:cases:seq`;
const indexKey = (siteKey: string) => `site:{${siteKey}}:cases`;
const caseKey = (siteKey: string, caseId: string) => `site:{${siteKey}}:case:${caseId}`;

type StoredCase = Case & { seq: number };

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) {
    throw new ProoflineError('bad_request', 'The cursor is not valid.', [
      { path: 'cursor', code: 'invalid_cursor', message: 'pass back a next_cursor from an earlier page' },
    ]);
  }
  return Number(match[1]);
}

function publicView({ seq: _seq, ...item }: StoredCase): Case {
  return item;
}

/**
 * A site's cases, newest first. Each case gets a per-site sequence number as its index score, so
 * pages never skip or repeat cases created in the same millisecond; the cursor is that number.
 */
export class CasesRepository {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly newId: () => string = () => `case_${randomUUID().replaceAll('-', '')}`,
  ) {}

  async create(siteKey: string, input: NewCase): Promise<Case> {
    const seq = await this.store.increment(sequenceKey(siteKey));
    const stored: StoredCase = {
      case_id: this.newId(),
      case_type: input.case_type,
      priority: input.priority,
      title: input.title,
      status: 'open',
      verification_id: input.verification_id,
      phone: input.phone === null ? null : maskPhone(input.phone),
      flags: [...input.flags],
      created_at: new Date(this.clock.now()).toISOString(),
      seq,
    };
    await this.store.batch([
      { op: 'set', key: caseKey(siteKey, stored.case_id), value: JSON.stringify(stored), ttlMs: retentionMs },
      { op: 'sortedAdd', key: indexKey(siteKey), member: stored.case_id, score: seq, ttlMs: retentionMs },
    ]);
    return publicView(stored);
  }

  async get(siteKey: string, caseId: string): Promise<Case | null> {
    const stored = await this.store.get(caseKey(siteKey, caseId));
    return stored === null ? null : publicView(JSON.parse(stored) as StoredCase);
  }

  async list(siteKey: string, query: Partial<CaseListQuery>): Promise<CaseList> {
    const limit = query.limit ?? 20;
    const matches = (item: StoredCase) =>
      (query.status === undefined || item.status === query.status) &&
      (query.case_type === undefined || item.case_type === query.case_type);
    const cases: Case[] = [];
    let below = query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor) - 1;
    let scanned = 0;
    let lastSeq: number | null = null;
    while (cases.length < limit && scanned < maxScannedPerPage) {
      const entries = await this.store.sortedRange(indexKey(siteKey), 1, below, {
        limit: Math.min(limit * 2, maxScannedPerPage - scanned),
        reverse: true,
      });
      if (entries.length === 0) break;
      const records = await this.store.getMany(entries.map((entry) => caseKey(siteKey, entry.member)));
      for (const [index, entry] of entries.entries()) {
        scanned += 1;
        lastSeq = entry.score;
        const record = records[index];
        const item = record ? (JSON.parse(record) as StoredCase) : null;
        if (item && matches(item)) cases.push(publicView(item));
        if (cases.length === limit) break;
      }
      below = (lastSeq ?? 1) - 1;
    }
    const more = lastSeq !== null && (await this.store.sortedCount(indexKey(siteKey), 1, lastSeq - 1)) > 0;
    return { cases, next_cursor: more && lastSeq !== null ? encodeCursor(lastSeq) : null };
  }
}
