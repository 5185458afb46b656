import type { PhoneType, RiskLevel, Settings } from '@proofline/shared';
import { ProoflineError } from '../errors.js';

type LineTypePolicy = {
  /** The lowest risk level the type can have, whatever its score (TrustGate's table of phone types). */
  riskFloor: RiskLevel | null;
  /** SMS and WhatsApp reach it; otherwise a text step is skipped for it (voice and email remain). */
  receivesTexts: boolean;
  /** The site setting that refuses it: VoIP and virtual by choice, lines that bill the sender by default. */
  refusedBy: 'block_voip' | 'block_virtual' | 'block_premium' | null;
};

/**
 * What Proofline does with each line type, in one table: the start's lookup, every send's
 * destination and the risk assessment all read it. Premium-rate and shared-cost lines bill the
 * sender: the classic toll-fraud destinations.
 */
const lineTypes: Readonly<Record<PhoneType, LineTypePolicy>> = {
  mobile: { riskFloor: 'low', receivesTexts: true, refusedBy: null },
  landline: { riskFloor: 'low', receivesTexts: false, refusedBy: null },
  voip: { riskFloor: 'medium', receivesTexts: true, refusedBy: 'block_voip' },
  virtual: { riskFloor: 'medium', receivesTexts: true, refusedBy: 'block_virtual' },
  toll_free: { riskFloor: 'high', receivesTexts: false, refusedBy: null },
  premium: { riskFloor: 'high', receivesTexts: false, refusedBy: 'block_premium' },
  shared_cost: { riskFloor: null, receivesTexts: false, refusedBy: 'block_premium' },
  pager: { riskFloor: null, receivesTexts: true, refusedBy: null },
  uan: { riskFloor: null, receivesTexts: true, refusedBy: null },
  voicemail: { riskFloor: null, receivesTexts: true, refusedBy: null },
  unknown: { riskFloor: null, receivesTexts: true, refusedBy: null },
};

const order: readonly RiskLevel[] = ['low', 'medium', 'high'];

/** The higher of the level from the score and the line type's floor. */
export function withLineTypeFloor(level: RiskLevel, lineType: PhoneType | undefined): RiskLevel {
  const floor = lineType === undefined ? null : lineTypes[lineType].riskFloor;
  if (floor === null) return level;
  return order.indexOf(floor) > order.indexOf(level) ? floor : level;
}

/** Whether SMS and WhatsApp reach the line. */
export function receivesTexts(type: PhoneType): boolean {
  return lineTypes[type].receivesTexts;
}

/**
 * Refuses a line the site does not accept (`block_voip`, `block_virtual`, `block_premium`) with
 * `line_type_not_allowed`: the number at the start (its lookup's type), and every address a code
 * goes to before it is sent.
 */
export function assertLineTypeAccepted(settings: Settings, type: PhoneType): void {
  const setting = lineTypes[type].refusedBy;
  if (setting === null || !settings[setting]) return;
  // Lines that bill the sender are refused in the error's own words (the drop-in APIs answer them).
  const message = setting === 'block_premium' ? undefined : `This site does not accept ${type} numbers.`;
  throw new ProoflineError('line_type_not_allowed', message, { line_type: type });
}
