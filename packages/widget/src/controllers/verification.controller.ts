import type { Channel, VerificationView, WidgetConfig } from '@proofline/shared';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, createApi, type ProoflineApi } from '../api/client.js';
import { emit, type WidgetState } from '../events/index.js';
import { SilentController } from './silent.controller.js';
import { TokenTimerController } from './token-timer.controller.js';
import { WebOtpController } from './web-otp.controller.js';

export interface VerificationHost extends ReactiveControllerHost, HTMLElement {
  siteKey: string;
  apiUrl: string;
  action: string;
  cdata: string;
  /** `fetch` (default) or `redirect`. */
  silentMode: string;
  /** Ordered channels from the `channels` attribute, e.g. "silent sms whatsapp voice". */
  channels: string;
  /** The language the widget speaks, sent so messages come in it too. */
  readonly language: string;
  /** Localized text for an error code, for the `proofline-error` event. */
  errorMessage(code: string, retryAfter?: number): string;
}

/** Where an error is shown: next to the field it concerns, or in place of the steps. */
export interface WidgetError {
  code: string;
  retryAfter?: number;
  /** When the wait of `retryAfter` ends, in ms since the epoch. */
  until?: number;
  at: 'phone' | 'code' | 'email' | 'widget';
}

/** Where the view moves focus after a change the user caused. */
export type FocusTarget = 'phone' | 'code' | 'email' | 'action';

/**
 * The verification state machine: config → phone → (silent) → code → verified, with errors. It
 * talks to the server, keeps the token, runs the countdowns and emits the public events; silent
 * polling, WebOTP and the token's lifetime are its own controllers, which it starts and stops.
 */
export class VerificationController implements ReactiveController {
  // The view reads these fields; only this controller writes them (the view calls its methods).
  state: WidgetState = 'loading';
  config?: WidgetConfig;
  view?: VerificationView;
  /** The number being verified, E.164. */
  phone = '';
  token?: string;
  error?: WidgetError;
  /** True after a wrong code, until the next check. */
  wrongCode = false;
  /** Set when the state moved because of the user, so the view knows where focus goes; see `focusMoved`. */
  focusTarget?: FocusTarget;
  busy = false;
  now = Date.now();

  private api?: ProoflineApi;
  private run = new AbortController();
  private ticker?: ReturnType<typeof setInterval>;
  private readonly silent: SilentController;
  private readonly webOtp: WebOtpController;
  private readonly tokenTimer: TokenTimerController;

  constructor(
    private readonly host: VerificationHost,
    private readonly onToken: (token: string | undefined) => void,
  ) {
    host.addController(this);
    this.silent = new SilentController(host, {
      get: (verificationId) => this.api!.get({ siteKey: host.siteKey, verificationId }),
      settled: (view) => this.show(view),
      failed: (error) => this.fail(error, 'widget'),
    });
    this.webOtp = new WebOtpController(host, (code) => void this.check(code));
    this.tokenTimer = new TokenTimerController(host, () => this.expireToken());
  }

  hostConnected(): void {
    this.run = new AbortController();
    if (!this.config) {
      void this.loadConfig();
      return;
    }
    // Moved in the page (a framework re-parenting it): pick up where it was, minus what was in flight.
    this.busy = false;
    if (this.state === 'sending') this.setState('phone');
    if (this.state === 'code') this.startTicker();
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    // Removing the element (or proofline.remove) must leave no timer or fetch behind; silent
    // polling, WebOTP and the token timer stop themselves.
    this.run.abort();
    this.stopTicker();
  }

  /** Channels the page allows, in the page's order; null when the attribute is absent. */
  private pageChannels(): string[] | null {
    const list = this.host.channels
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean);
    return list.length ? list : null;
  }

  /** Other channels the user can switch to now; email when the site offers it (the widget asks for the address). */
  get otherChannels(): Channel[] {
    const view = this.view;
    if (!view) return [];
    const page = this.pageChannels();
    const offered: Channel[] = [...view.availableChannels];
    if (this.config?.channels.includes('email') && !offered.includes('email')) offered.push('email');
    const available = offered.filter((c) => c !== view.channel);
    return page ? page.filter((c): c is Channel => available.includes(c as Channel)) : available;
  }

  /** Seconds until a resend is allowed (0: now). */
  get resendWait(): number {
    const at = this.view?.resendAvailableAt;
    return at ? Math.max(0, Math.ceil((Date.parse(at) - this.now) / 1000)) : 0;
  }

  /** Seconds left of a rate-limit wait shown with an error. */
  get errorWait(): number {
    return this.error?.until ? Math.max(0, Math.ceil((this.error.until - this.now) / 1000)) : 0;
  }

  /** Seconds left of the wait an error names: counting down when the server gave one. */
  waitOf(error: WidgetError): number | undefined {
    return error.until ? Math.max(0, Math.ceil((error.until - this.now) / 1000)) : error.retryAfter;
  }

  async loadConfig(): Promise<void> {
    if (!this.host.siteKey) return;
    this.api = createApi(this.host.apiUrl);
    this.setState('loading');
    try {
      this.config = await this.api.config({ siteKey: this.host.siteKey });
      if (this.run.signal.aborted) return;
      this.setState('phone');
      const resumed = this.silent.resume();
      if (resumed !== undefined) {
        this.phone = resumed;
        this.setState('silent');
      }
    } catch (error) {
      this.fail(error, 'widget');
    }
  }

  async start(phone: string, country: string): Promise<void> {
    if (!this.api || this.busy) return;
    this.phone = phone;
    this.error = undefined;
    const page = this.pageChannels();
    const silentAllowed = !page || page[0] === 'silent';
    // The first code goes by SMS or WhatsApp: voice is a fallback, email needs an address asked later.
    const firstOtp = page?.find((c) => c === 'sms' || c === 'whatsapp') as Channel | undefined;
    const redirect = this.host.silentMode === 'redirect';
    await this.request('sending', 'phone', async (api) => {
      const view = await api.start({
        siteKey: this.host.siteKey,
        phone,
        country,
        channel: silentAllowed || !firstOtp ? 'auto' : firstOtp,
        locale: this.host.language,
        ...(this.host.action ? { action: this.host.action } : {}),
        ...(this.host.cdata ? { cdata: this.host.cdata } : {}),
        connection: connectionType(),
        ...(redirect ? { returnUrl: location.href } : {}),
      });
      this.show(view);
    });
  }

  async check(code: string): Promise<void> {
    const view = this.view;
    if (!this.api || !view || this.busy) return;
    await this.request('code', 'code', async (api) => {
      const next = await api.check({ siteKey: this.host.siteKey, verificationId: view.verificationId, code });
      this.wrongCode = next.status === 'pending' && next.attemptsLeft < view.attemptsLeft;
      this.show(next);
      if (this.wrongCode) this.focusTarget = 'code';
    });
  }

  /** Sends a new code, by `channel` when given (else the current one). */
  resend(channel?: Channel): Promise<void> {
    return this.send('code', channel ? { channel } : {});
  }

  /** The user picked email: the email step asks for the address. */
  askEmail(): void {
    this.error = undefined;
    this.focusTarget = 'email';
    this.setState('email');
  }

  /** From the email step back to the code already sent. */
  backToCode(): void {
    this.error = undefined;
    this.focusTarget = 'code';
    this.setState('code');
  }

  /** Sends the code to the address typed in the email step. */
  sendEmail(email: string): Promise<void> {
    return this.send('email', { channel: 'email', email });
  }

  /** A resend from the step `from` (where its errors show); focus goes to the code. */
  private async send(from: 'code' | 'email', how: { channel?: Channel; email?: string }): Promise<void> {
    const view = this.view;
    if (!this.api || !view || this.busy) return;
    this.wrongCode = false;
    await this.request(from, from, async (api) => {
      this.show(
        await api.resend({ siteKey: this.host.siteKey, verificationId: view.verificationId, ...how }),
      );
      this.focusTarget = 'code';
    });
  }

  /** Back to the phone step, keeping the number typed; the pending verification is canceled. */
  changeNumber(): void {
    const view = this.view;
    if (this.api && view?.status === 'pending') {
      this.api.cancel({ siteKey: this.host.siteKey, verificationId: view.verificationId }).catch(() => {
        // Canceling is a courtesy to the server; the verification expires on its own anyway.
      });
    }
    this.clear();
    this.focusTarget = 'phone';
    this.setState(this.config ? 'phone' : 'loading');
    if (!this.config) void this.loadConfig();
  }

  /**
   * The error step's way on: loads the settings again when they never came, sends a new code to
   * the same number when the code or the token lapsed, else goes back to the number.
   */
  forward(country: string): void {
    const code = this.error?.code;
    if (!this.config) void this.loadConfig();
    else if (code === 'expired' || code === 'max_attempts_reached' || code === 'token_expired') {
      void this.start(this.phone, country);
    } else this.changeNumber();
  }

  /** `reset()`: forget the token and the verification; the phone step shows again. */
  reset(): void {
    this.changeNumber();
    this.focusTarget = undefined;
  }

  /**
   * A mistake found in the browser before anything is sent (no code typed, not an address): shown
   * next to its field, which gets focus; no event, as nothing was refused by the server.
   */
  refuse(code: string, at: 'code' | 'email'): void {
    this.error = { code, at };
    this.focusTarget = at;
    this.host.requestUpdate();
  }

  /** The user edits the field an error was about: the error has had its say. */
  clearError(at: WidgetError['at']): void {
    if (this.error?.at === at) this.error = undefined;
  }

  /** The view moves focus to `target` at its next render (a problem it found in the phone field). */
  moveFocus(target: FocusTarget): void {
    this.focusTarget = target;
    this.host.requestUpdate();
  }

  /** The view has moved focus where `focusTarget` said. */
  focusMoved(): void {
    this.focusTarget = undefined;
  }

  private clear(): void {
    this.run.abort();
    this.run = new AbortController();
    this.stopTicker();
    this.silent.stop();
    this.webOtp.stop();
    this.tokenTimer.stop();
    this.view = undefined;
    this.error = undefined;
    this.wrongCode = false;
    this.busy = false;
    this.setToken(undefined);
  }

  /** Runs one server call with the busy flag; errors land where `at` says. */
  private async request(
    busyState: WidgetState,
    at: WidgetError['at'],
    call: (api: ProoflineApi) => Promise<void>,
  ) {
    const signal = this.run.signal;
    this.busy = true;
    this.error = undefined;
    if (busyState !== this.state) this.setState(busyState);
    else this.host.requestUpdate();
    try {
      await call(this.api!);
    } catch (error) {
      if (!signal.aborted) this.fail(error, at);
    } finally {
      if (!signal.aborted) {
        this.busy = false;
        if (this.state === 'sending') this.setState('phone');
        this.host.requestUpdate();
      }
    }
  }

  /** Moves to the state a verification view calls for. */
  private show(view: VerificationView): void {
    this.view = view;
    switch (view.status) {
      case 'approved':
        this.approve(view);
        return;
      case 'pending':
        if (view.silent && view.channel === null) {
          this.setState('silent');
          this.silent.start(view, this.phone);
        } else {
          if (this.state !== 'code') this.focusTarget = 'code';
          this.setState('code');
          this.startTicker();
          if (view.channel === 'sms') this.webOtp.start();
        }
        return;
      case 'expired':
        this.fail(new ApiError('expired', ''), 'widget');
        return;
      case 'max_attempts_reached':
        this.fail(new ApiError('max_attempts_reached', ''), 'widget');
        return;
      case 'blocked':
        this.fail(new ApiError('blocked', view.reason ?? ''), 'widget');
        return;
      default:
        this.fail(new ApiError(view.status, view.reason ?? ''), 'widget');
    }
  }

  private approve(view: VerificationView): void {
    this.stopTicker();
    this.webOtp.stop();
    if (!view.token) {
      this.fail(new ApiError('internal_error', ''), 'widget');
      return;
    }
    this.setToken(view.token);
    this.setState('verified');
    emit(this.host, 'proofline-verified', {
      token: view.token,
      phone: this.phone,
      method: view.method ?? 'otp',
    });
    this.tokenTimer.start();
  }

  private expireToken(): void {
    this.setToken(undefined);
    this.error = { code: 'token_expired', at: 'widget' };
    this.setState('error');
    emit(this.host, 'proofline-expired', undefined);
  }

  private fail(error: unknown, at: WidgetError['at']): void {
    const code = error instanceof ApiError ? error.code : 'internal_error';
    const retryAfter = error instanceof ApiError ? error.retryAfter : undefined;
    // Refusals that end the verification replace the steps; the rest stay next to their field.
    const final = ['expired', 'max_attempts_reached', 'blocked', 'failed', 'canceled', 'verification_closed'];
    // A refusal of the number itself can also arrive while polling (the fallback send after a failed
    // silent attempt): it belongs next to the number, which the user can then change.
    const aboutNumber = ['invalid_phone', 'country_not_allowed', 'line_type_not_allowed'];
    const place = final.includes(code)
      ? 'widget'
      : aboutNumber.includes(code) || (at === 'widget' && code === 'rate_limited' && this.config)
        ? 'phone'
        : at;
    if (place === 'phone' && this.state !== 'phone' && this.state !== 'sending') {
      this.stopTicker();
      this.webOtp.stop();
      this.setState('phone');
    }
    this.error = {
      code,
      at: place,
      ...(retryAfter ? { retryAfter, until: Date.now() + retryAfter * 1000 } : {}),
    };
    if (place === 'widget') {
      this.stopTicker();
      this.webOtp.stop();
      this.setState('error');
      this.focusTarget = 'action';
    } else {
      this.focusTarget = place;
      if (retryAfter) this.startTicker();
    }
    this.host.requestUpdate();
    if (code === 'origin_not_allowed' || code === 'invalid_site_key') {
      // The explanation for the developer is its own small chunk: a page that is set up never loads it.
      const { siteKey, apiUrl } = this.host;
      void import('./developer-fix.js').then(({ developerFix }) =>
        console.error(`proofline: ${code}: ${developerFix(code, siteKey, apiUrl)}`),
      );
    }
    emit(this.host, 'proofline-error', { code, message: this.host.errorMessage(code, retryAfter) });
  }

  private setState(state: WidgetState): void {
    if (state === this.state) return;
    this.state = state;
    this.host.requestUpdate();
    emit(this.host, 'proofline-state', { state });
  }

  private setToken(token: string | undefined): void {
    if (token === this.token) return;
    this.token = token;
    this.onToken(token);
  }

  private startTicker(): void {
    this.now = Date.now();
    this.ticker ??= setInterval(() => {
      this.now = Date.now();
      // A wait that is over is no longer news: the field's hint comes back and the user can go on.
      if (this.error?.until && this.error.at !== 'widget' && this.errorWait === 0) this.error = undefined;
      this.host.requestUpdate();
      if (this.resendWait === 0 && this.errorWait === 0) this.stopTicker();
    }, 1000);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

function connectionType(): 'cellular' | 'wifi' | 'unknown' {
  const type = (navigator as Navigator & { connection?: { type?: string } }).connection?.type;
  return type === 'cellular' || type === 'wifi' ? type : 'unknown';
}
