import type { VerificationView } from '@proofline/shared';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../api/client.js';

export interface SilentHost extends ReactiveControllerHost {
  siteKey: string;
  /** `fetch` (default) or `redirect`. */
  silentMode: string;
}

/** What the silent attempt needs from the state machine, and tells it. */
export interface SilentOutcome {
  /** The verification as the server sees it now. */
  get(verificationId: string): Promise<VerificationView>;
  /** The attempt is over (approved, a code sent, refused): the state machine goes on from `view`. */
  settled(view: VerificationView): void;
  /** Polling failed, or the server had no outcome in time. */
  failed(error: unknown): void;
}

const POLL_MS = 700;
const POLLS = 20;
const REDIRECT_KEY = 'proofline:redirect:';

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * Silent verification in the browser: the operator hop (a `no-cors` fetch, or a top-level
 * navigation in `redirect` mode), then polling until the server has an outcome. Polling stops
 * when the element leaves the page and starts again when it comes back.
 */
export class SilentController implements ReactiveController {
  /** The verification being polled, kept while the element is out of the page. */
  private polling?: string;
  private run = new AbortController();

  constructor(
    private readonly host: SilentHost,
    private readonly outcome: SilentOutcome,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.polling) this.follow(this.polling);
  }

  hostDisconnected(): void {
    this.run.abort();
  }

  /** Takes a verification whose step is silent through the operator hop to its outcome. */
  start(view: VerificationView, phone: string): void {
    const authUrl = view.silent!.authUrl;
    if (this.host.silentMode === 'redirect') {
      sessionStorage.setItem(
        REDIRECT_KEY + this.host.siteKey,
        JSON.stringify({ verificationId: view.verificationId, phone }),
      );
      location.assign(authUrl);
      return;
    }
    const signal = this.restart(view.verificationId);
    // Operator hops send no CORS headers: an opaque no-cors request still follows every redirect.
    // Polling does not wait for it: a slow operator must not hold back the fallback to a code,
    // which the server decides when the silent attempt times out.
    fetch(authUrl, { mode: 'no-cors', redirect: 'follow', credentials: 'include', signal }).catch(() => {
      // A failed hop is the server's to notice (it times the attempt out and moves on).
    });
    void this.poll(view.verificationId, signal);
  }

  /**
   * After a `redirect`-mode hop the page loads again, its URL ending in
   * `#proofline_verification=<id>`: polls that verification again, tidies the URL and answers the
   * number being verified (undefined when this widget did not navigate).
   */
  resume(): string | undefined {
    const key = REDIRECT_KEY + this.host.siteKey;
    const saved = sessionStorage.getItem(key);
    if (!saved) return;
    const fragment = new URLSearchParams(location.hash.slice(1));
    let pending: { verificationId: string; phone: string };
    try {
      pending = JSON.parse(saved) as { verificationId: string; phone: string };
    } catch {
      sessionStorage.removeItem(key);
      return;
    }
    // Another widget of the page (another site key) may be the one that navigated.
    if (fragment.get('proofline_verification') !== pending.verificationId) return;
    sessionStorage.removeItem(key);
    fragment.delete('proofline_verification');
    const rest = fragment.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
    );
    this.follow(pending.verificationId);
    return pending.phone;
  }

  stop(): void {
    this.polling = undefined;
    this.run.abort();
  }

  /** Polls `verificationId` from now on, in place of any earlier polling. */
  private follow(verificationId: string): void {
    void this.poll(verificationId, this.restart(verificationId));
  }

  /** Stops what runs for an earlier verification; answers the signal that stops what runs for this one. */
  private restart(verificationId: string): AbortSignal {
    this.run.abort();
    this.run = new AbortController();
    this.polling = verificationId;
    return this.run.signal;
  }

  private async poll(verificationId: string, signal: AbortSignal): Promise<void> {
    const settle = (end: () => void): void => {
      if (signal.aborted) return;
      this.polling = undefined;
      end();
    };
    try {
      for (let poll = 0; poll < POLLS; poll++) {
        const next = await this.outcome.get(verificationId);
        if (signal.aborted) return;
        if (next.status !== 'pending' || next.channel !== null || !next.silent) {
          settle(() => this.outcome.settled(next));
          return;
        }
        await sleep(POLL_MS, signal);
      }
      settle(() => this.outcome.failed(new ApiError('service_unavailable', '')));
    } catch (error) {
      settle(() => this.outcome.failed(error));
    }
  }
}
