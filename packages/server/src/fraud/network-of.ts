import type { Operator } from '../operator/port.js';
import type { NetworkOf } from './guard.js';

/** `networkOf` from the operator's line-info lookup; null when the operator offers none or does not know the line. */
export function networkOfFromOperator(operator: Pick<Operator, 'lineInfo'>): NetworkOf {
  return async (e164) => {
    const line = await operator.lineInfo({ phoneNumber: e164 });
    return line === null ? null : { network: line.network, operatorName: line.operatorName };
  };
}
