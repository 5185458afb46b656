export { offlineLineInfoSource, rangeHolderNetwork } from './offline/prefix-source.js';
export { operatorLineInfoSource } from './operator/operator-source.js';
export {
  LineInfoError,
  type LineInfoSource,
} from './port.js';
export { twilioLookupSource } from './twilio/twilio-lookup.js';
export { vonageNumberInsightSource } from './vonage/number-insight.js';
