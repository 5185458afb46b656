export { offlineLineInfoSource, rangeHolderNetwork } from './offline/prefix-source.js';
export { operatorLineInfoSource } from './operator/operator-source.js';
export {
  type LineFacts,
  LineInfoError,
  type LineInfoSource,
  type LineInfoSourceName,
  lineInfoSources,
  unknownFacts,
} from './port.js';
export { type TwilioLookupOptions, twilioLookupSource } from './twilio/twilio-lookup.js';
export { type VonageNumberInsightOptions, vonageNumberInsightSource } from './vonage/number-insight.js';
