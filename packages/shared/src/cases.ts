import { z } from 'zod';

export const CaseStatus = z.enum(['open', 'in_review', 'closed']);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const CasePriority = z.enum(['low', 'medium', 'high', 'critical']);
export type CasePriority = z.infer<typeof CasePriority>;

/** A site's own name for a kind of case, e.g. `sim_swap_review`. */
export const CaseType = z.string().regex(/^[a-z0-9_]{1,64}$/, 'lowercase letters, digits and _, up to 64');
export type CaseType = z.infer<typeof CaseType>;

/** A flag on a verification, e.g. `voip` or `sim_swap:recent`. */
export const FlagName = z
  .string()
  .regex(/^[a-z0-9_.:-]{1,64}$/, 'lowercase letters, digits, _ . : -, up to 64');

/** An item of `GET /v1/cases` and the data of the `case.created` webhook. */
export const Case = z.object({
  case_id: z.string(),
  case_type: CaseType,
  priority: CasePriority,
  title: z.string(),
  status: CaseStatus,
  verification_id: z.string().nullable(),
  /** Masked (`+44******3456`): cases are shown to reviewers, not used to reach the user. */
  phone: z.string().nullable(),
  flags: z.array(z.string()),
  created_at: z.string(),
});
export type Case = z.infer<typeof Case>;

/** `GET /v1/cases?status=&case_type=&limit=&cursor=`; query strings, so `limit` is coerced. */
export const CaseListQuery = z.strictObject({
  status: CaseStatus.optional(),
  case_type: CaseType.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(128).optional(),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

export const CaseList = z.object({
  cases: z.array(Case),
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type CaseList = z.infer<typeof CaseList>;
