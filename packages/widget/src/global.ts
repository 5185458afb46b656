import type { ErrorDetail, VerifiedDetail } from './events/index.js';
import type { ProoflineVerify } from './verify/verify.js';

/** Options of `proofline.render`: attribute names in camelCase or kebab-case, callbacks as functions or global names. */
export interface RenderOptions {
  siteKey?: string;
  /** Turnstile's spelling, accepted too. */
  sitekey?: string;
  apiUrl?: string;
  defaultCountry?: string;
  countries?: string | string[];
  preferredCountries?: string | string[];
  channels?: string | string[];
  locale?: string;
  theme?: 'light' | 'dark' | 'auto';
  size?: 'normal' | 'compact';
  name?: string;
  phone?: string;
  action?: string;
  cdata?: string;
  /** Turnstile's spelling of `cdata`. */
  cData?: string;
  silentMode?: 'fetch' | 'redirect';
  required?: boolean;
  callback?: string | ((token: string, detail: VerifiedDetail) => void);
  'error-callback'?: string | ((code: string, detail: ErrorDetail) => void);
  'expired-callback'?: string | (() => void);
}

export interface ProoflineGlobal {
  /** Renders a widget into `container` (or configures `container` when it is a widget) and returns it. */
  render(container: string | Element, options: RenderOptions): ProoflineVerify;
  reset(widget?: string | Element): void;
  /** Removes the widget; no callback is called afterwards. */
  remove(widget?: string | Element): void;
  getResponse(widget?: string | Element): string | undefined;
}

const aliases: Record<string, string> = { sitekey: 'site-key', cData: 'cdata' };
const kebab = (key: string): string => aliases[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const listeners: Record<string, keyof GlobalEventHandlersEventMap> = {
  callback: 'proofline-verified',
  'error-callback': 'proofline-error',
  'expired-callback': 'proofline-expired',
};

let lastRendered: ProoflineVerify | undefined;

function find(target?: string | Element): ProoflineVerify | undefined {
  const element =
    target === undefined
      ? (lastRendered ?? document.querySelector('proofline-verify'))
      : typeof target === 'string'
        ? document.querySelector(target)
        : target;
  if (!element) return undefined;
  return element.localName === 'proofline-verify'
    ? (element as ProoflineVerify)
    : (element.querySelector('proofline-verify') ?? undefined);
}

const api: ProoflineGlobal = {
  render(container, options) {
    const host = typeof container === 'string' ? document.querySelector(container) : container;
    if (!host) throw new Error(`proofline.render: no element matches ${String(container)}`);
    const widget =
      host.localName === 'proofline-verify'
        ? (host as ProoflineVerify)
        : document.createElement('proofline-verify');
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || value === null) continue;
      const event = listeners[key];
      if (typeof value === 'function' && event) {
        widget.addEventListener(event, (e) => {
          const detail = (e as CustomEvent).detail;
          if (key === 'callback') value(detail.token, detail);
          else if (key === 'error-callback') value(detail.code, detail);
          else value();
        });
      } else if (typeof value === 'boolean') widget.toggleAttribute(kebab(key), value);
      else widget.setAttribute(kebab(key), Array.isArray(value) ? value.join(' ') : String(value));
    }
    if (widget !== host) host.append(widget);
    lastRendered = widget;
    return widget;
  },
  reset(target) {
    find(target)?.reset();
  },
  remove(target) {
    const widget = find(target);
    if (!widget) return;
    widget.remove();
    if (widget === lastRendered) lastRendered = undefined;
  },
  getResponse(target) {
    return find(target)?.getResponse();
  },
};

declare global {
  // The explicit-render API, as `window.turnstile`.
  var proofline: ProoflineGlobal;
}

/** Installs `window.proofline`; a second copy (script tag + bundle) keeps the first object. */
export function installGlobal(): ProoflineGlobal {
  globalThis.proofline ??= api;
  return globalThis.proofline;
}

export { api as proofline };
