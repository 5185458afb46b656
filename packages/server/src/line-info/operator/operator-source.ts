import { type Operator, OperatorError } from '../../operator/index.js';
import { LineInfoError, type LineInfoSource } from '../port.js';

/**
 * The configured operator's line-info API (the sandbox's `line-info/v0`; real operators sell the
 * same as portability / line-status lookups). An operator without one (its `lineInfo` answers
 * null) leaves the question to `fallback`, the offline prefix data.
 */
export function operatorLineInfoSource(
  operator: Pick<Operator, 'lineInfo'>,
  fallback: LineInfoSource,
): LineInfoSource {
  return {
    name: 'operator',
    async lookup(e164) {
      let line: Awaited<ReturnType<Operator['lineInfo']>>;
      try {
        line = await operator.lineInfo({ phoneNumber: e164 });
      } catch (error) {
        if (!(error instanceof OperatorError)) throw error;
        if (error.notApplicable) return null;
        if (error.status === 401 || error.status === 403) throw new LineInfoError('refused', error.message);
        throw new LineInfoError(error.code === 'TIMEOUT' ? 'timeout' : 'unavailable', error.message);
      }
      if (line === null) return fallback.lookup(e164);
      return {
        network: line.network,
        carrierName: line.operatorName,
        lineType: line.lineType,
        lineStatus: line.lineStatus,
        prepaid: line.prepaid,
        ported: line.ported || line.portingHistory.length > 0,
        reachable: null,
        roaming: null,
      };
    },
  };
}
