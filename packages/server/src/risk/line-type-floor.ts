import type { PhoneType, RiskLevel } from '@proofline/shared';

const order: readonly RiskLevel[] = ['low', 'medium', 'high'];

/**
 * The lowest risk level a line type can have, whatever its score (TrustGate's table of phone
 * types): a VoIP or virtual number is at least medium, a toll-free or premium-rate one high.
 * Types not listed (mobile, landline, unknown, …) add no floor.
 */
const lineTypeRiskFloor: Readonly<Partial<Record<PhoneType, RiskLevel>>> = {
  mobile: 'low',
  landline: 'low',
  voip: 'medium',
  virtual: 'medium',
  toll_free: 'high',
  premium: 'high',
};

/** The higher of the level from the score and the line type's floor. */
export function withLineTypeFloor(level: RiskLevel, lineType: PhoneType | undefined): RiskLevel {
  const floor = lineType === undefined ? undefined : lineTypeRiskFloor[lineType];
  if (floor === undefined) return level;
  return order.indexOf(floor) > order.indexOf(level) ? floor : level;
}
