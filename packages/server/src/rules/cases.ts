import { randomUUID } from 'node:crypto';
import {
  type Case,
  type CaseList,
  type CaseListQuery,
  type CasePriority,
  type CaseUpdateInput,
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
  applicant_id?: string | null;
};

const retentionMs = 90 * 24 * 3_600_000;
/** Notes a case keeps; a reviewer's tool that needs more keeps its own log. */
const maxCaseNotes = 50;
/** How many index entries one page may read while filtering, so a selective filter stays cheap. */
const maxScannedPerPage = 1_000;

const sequenceKey = (siteKey: string) => `site:{${siteKey}}:cases:seq`;
const indexKey = (siteKey: string) => `site:{${siteKey}}:cases`;
const caseKey = (siteKey: string, caseId: string) => `site:{${siteKey}}:case:${caseId}`;

type StoredCase = Case & { seq: number };
/** Cases stored before `applicant_id`, `resolution`, `notes` and `updated_at` existed lack them. */
type StoredCaseRead = Omit<StoredCase, 'applicant_id' | 'resolution' | 'notes' | 'updated_at'> &
  Partial<Pick<StoredCase, 'applicant_id' | 'resolution' | 'notes' | 'updated_at'>>;

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

function publicView({ seq: _seq, ...item }: StoredCaseRead): Case {
  return {
    ...item,
    applicant_id: item.applicant_id ?? null,
    resolution: item.resolution ?? null,
    notes: item.notes ?? [],
    updated_at: item.updated_at ?? item.created_at,
  };
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
    const now = new Date(this.clock.now()).toISOString();
    const stored: StoredCase = {
      case_id: this.newId(),
      case_type: input.case_type,
      priority: input.priority,
      title: input.title,
      status: 'open',
      verification_id: input.verification_id,
      phone: input.phone === null ? null : maskPhone(input.phone),
      flags: [...input.flags],
      applicant_id: input.applicant_id ?? null,
      resolution: null,
      notes: [],
      created_at: now,
      updated_at: now,
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
    return stored === null ? null : publicView(JSON.parse(stored) as StoredCaseRead);
  }

  /**
   * A reviewer's change: status, resolution, a note (appended). One compare-and-set, so two
   * reviewers' notes never overwrite each other. Null when the site has no such case.
   */
  async update(siteKey: string, caseId: string, change: CaseUpdateInput): Promise<Case | null> {
    const key = caseKey(siteKey, caseId);
    for (;;) {
      const raw = await this.store.get(key);
      if (raw === null) return null;
      const current = JSON.parse(raw) as StoredCaseRead;
      const notes = current.notes ?? [];
      if (change.note !== undefined && notes.length >= maxCaseNotes) {
        throw new ProoflineError('bad_request', `A case keeps at most ${maxCaseNotes} notes.`, [
          { path: 'note', code: 'too_big', message: `at most ${maxCaseNotes} notes per case` },
        ]);
      }
      const now = new Date(this.clock.now()).toISOString();
      const next: StoredCaseRead = {
        ...current,
        ...(change.status ? { status: change.status } : {}),
        ...(change.resolution ? { resolution: change.resolution } : {}),
        notes: change.note ? [...notes, { text: change.note, created_at: now }] : notes,
        updated_at: now,
      };
      // The case keeps its place in the index (and its retention) from when it was opened.
      const ttlMs = Math.max(Date.parse(current.created_at) + retentionMs - this.clock.now(), 1);
      if (await this.store.compareAndSet(key, raw, JSON.stringify(next), ttlMs)) return publicView(next);
    }
  }

  async list(siteKey: string, query: Partial<CaseListQuery>): Promise<CaseList> {
    const limit = query.limit ?? 20;
    const matches = (item: StoredCaseRead) =>
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
        const item = record ? (JSON.parse(record) as StoredCaseRead) : null;
        if (item && matches(item)) cases.push(publicView(item));
        if (cases.length === limit) break;
      }
      below = (lastSeq ?? 1) - 1;
    }
    const more = lastSeq !== null && (await this.store.sortedCount(indexKey(siteKey), 1, lastSeq - 1)) > 0;
    return { cases, next_cursor: more && lastSeq !== null ? encodeCursor(lastSeq) : null };
  }
}
