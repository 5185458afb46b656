// A handler written for Vonage's `summary` status callbacks keeps its logic: verify Proofline's
// webhook first (verify-webhook.mjs), then read the event as the summary Vonage would have posted.
const requestStatuses = { approved: 'completed', expired: 'expired', blocked: 'blocked' };
const stepStatuses = {
  approved: 'completed',
  expired: 'expired',
  timed_out: 'expired',
  replaced: 'expired',
  blocked: 'blocked',
};

/** Vonage's summary body for a `verification.*` event; null for the other events. */
export function toVonageSummary(event) {
  // A verification stopped by a network block already carries Vonage's summary.
  if (event.type === 'verification.blocked') return event.data;
  if (event.type !== 'verification.approved' && event.type !== 'verification.failed') return null;
  const { data } = event;
  return {
    request_id: data.verification_id,
    submitted_at: data.created_at,
    status: requestStatuses[data.status] ?? 'failed',
    type: 'summary',
    workflow: data.workflow.map((step) => ({
      channel: step.channel,
      initiated_at: step.initiated_at,
      status: stepStatuses[step.status] ?? 'failed',
    })),
    finalized_at: data.updated_at,
  };
}
