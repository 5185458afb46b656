import type { VerificationMethod } from '@proofline/shared';

/** What the widget shows; `proofline-state` reports each change. */
export type WidgetState =
  | 'loading'
  | 'phone'
  | 'sending'
  | 'silent'
  | 'code'
  | 'email'
  | 'verified'
  | 'error';

export interface VerifiedDetail {
  token: string;
  /** The verified number in E.164. */
  phone: string;
  method: VerificationMethod;
}

export interface ErrorDetail {
  /** A server error code (`rate_limited`, `blocked`, …) or `network_error`. */
  code: string;
  message: string;
}

export interface StateDetail {
  state: WidgetState;
}

export interface ProoflineEventMap {
  'proofline-verified': CustomEvent<VerifiedDetail>;
  'proofline-error': CustomEvent<ErrorDetail>;
  'proofline-expired': CustomEvent<undefined>;
  'proofline-state': CustomEvent<StateDetail>;
}

declare global {
  interface GlobalEventHandlersEventMap extends ProoflineEventMap {}
}

/** The Turnstile-style callback attribute that goes with each event, called with the same data. */
const callbackAttribute: Partial<Record<keyof ProoflineEventMap, string>> = {
  'proofline-verified': 'callback',
  'proofline-error': 'error-callback',
  'proofline-expired': 'expired-callback',
};

type Detail<K extends keyof ProoflineEventMap> =
  ProoflineEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Dispatches a bubbling, composed event and calls the global function named by the matching
 * attribute (`callback="onVerified"` → `window.onVerified(token)`), resolved at call time.
 */
export function emit<K extends keyof ProoflineEventMap>(host: HTMLElement, name: K, detail: Detail<K>): void {
  host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  const attribute = callbackAttribute[name];
  const functionName = attribute ? host.getAttribute(attribute) : null;
  if (!functionName) return;
  const callback = (globalThis as unknown as Record<string, unknown>)[functionName];
  if (typeof callback !== 'function') {
    console.error(`proofline: ${attribute}="${functionName}" is not a global function`);
    return;
  }
  if (name === 'proofline-verified') callback((detail as VerifiedDetail).token, detail);
  else if (name === 'proofline-error') callback((detail as ErrorDetail).code, detail);
  else callback();
}
