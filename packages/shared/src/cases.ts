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
  /** The site's applicant the verification was for (`applicant_id` at send-otp or lookup). */
  applicant_id: z.string().nullable(),
  /** How a reviewer closed it, null until someone says. */
  resolution: z.string().nullable(),
  /** Reviewers' notes, oldest first. */
  notes: z.array(z.object({ text: z.string(), created_at: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Case = z.infer<typeof Case>;

export const CaseIdParams = z.strictObject({
  case_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a case_id as listed by GET /v1/cases'),
});

/** `PATCH /v1/cases/:case_id`: move it through review, say how it ended, add a note. */
export const CaseUpdateInput = z
  .strictObject({
    status: CaseStatus.optional(),
    resolution: z.string().trim().min(1).max(500).optional(),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((input) => Object.keys(input).length > 0, {
    message: 'give status, resolution or note',
    path: ['status'],
  });
export type CaseUpdateInput = z.infer<typeof CaseUpdateInput>;

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
