import type { Channel } from '@proofline/shared';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { FormController } from '../controllers/form.controller.js';
import { LocalizeController } from '../controllers/localize.controller.js';
import { PhoneController } from '../controllers/phone.controller.js';
import { VerificationController, type WidgetError } from '../controllers/verification.controller.js';
import { countryName } from '../phone/countries.js';
import { digitsOf } from '../phone/input.js';
import { errorText } from '../translations/index.js';
import { defaultApiUrl } from './default-api-url.js';
import { FormAssociatedElement } from './form-associated.js';
import { styles } from './verify.styles.js';

/** Send limits: the user waits, nothing they typed is wrong. */
const LIMITS = ['rate_limited', 'resend_cooldown', 'max_sends_reached'];
/** Whether an error marks its field wrong: a send limit is news about waiting, not a mistake. */
const isMistake = (error?: WidgetError): boolean => Boolean(error) && !LIMITS.includes(error!.code);
const spinner = html`<span class="spinner small" aria-hidden="true"></span>`;

/**
 * @summary Proves that a phone number is the user's and puts a signed token in the surrounding form,
 * which the site's backend checks with `POST /v1/siteverify`.
 * @documentation docs/widget.md
 *
 * A thin view over its controllers: verification (server calls and the state machine, with silent
 * polling, WebOTP and the token's lifetime), phone (countries, formatting, validation) and
 * localize (language).
 *
 * @attr callback - Name of a global function called as `callback(token, detail)` once verified.
 * @attr error-callback - Name of a global function called as `errorCallback(code, detail)` on each error.
 * @attr expired-callback - Name of a global function called when the token has lapsed.
 *
 * @event {CustomEvent<VerifiedDetail>} proofline-verified - The number is verified: `{token, phone, method}`.
 * @event {CustomEvent<ErrorDetail>} proofline-error - Something went wrong: `{code, message}`, `message` as the user reads it.
 * @event {CustomEvent<undefined>} proofline-expired - The token lapsed (300 s after verification) and left the form.
 * @event {CustomEvent<StateDetail>} proofline-state - The widget moved to another step: `{state}`.
 *
 * @csspart base - The wrapper of every step.
 * @csspart form - The form of the phone, code and email steps.
 * @csspart label - A field's visible label.
 * @csspart country - The country selector.
 * @csspart input - Every text field; with `phone`, `code` or `email` for one of them.
 * @csspart phone - The phone number field.
 * @csspart code - The code field.
 * @csspart email - The email address field.
 * @csspart hint - The help under a field.
 * @csspart error - The help under a field when it says what is wrong.
 * @csspart button - Every button drawn as a button; with `submit`, `verify` or `forward` for one of them.
 * @csspart submit - The phone and email steps' "Continue".
 * @csspart verify - The code step's "Verify".
 * @csspart forward - The error step's way on ("Try again", "Send a new code", …).
 * @csspart link - Every button drawn as a link; with `resend`, `channel`, `change-number` or `back`.
 * @csspart resend - "Resend code".
 * @csspart channel - "Text me instead" and the other channels (`data-channel` names it).
 * @csspart change-number - "Change number".
 * @csspart back - From the email step back to the code.
 * @csspart sent - Where the code went.
 * @csspart actions - The links under the code and email steps.
 * @csspart silent - The silent step (asking the mobile operator).
 * @csspart progress - The silent step's spinner.
 * @csspart verified - The verified step.
 * @csspart problem - The error step's message.
 *
 * @cssproperty --proofline-color-accent - Buttons, links and the selected state.
 * @cssproperty --proofline-color-on-accent - Text on the accent color.
 * @cssproperty --proofline-color-background - The widget's background.
 * @cssproperty --proofline-color-field - The fields' background.
 * @cssproperty --proofline-color-text - Text.
 * @cssproperty --proofline-color-muted - Help and secondary text.
 * @cssproperty --proofline-color-border - Borders.
 * @cssproperty --proofline-color-error - What is wrong.
 * @cssproperty --proofline-color-success - The verified mark.
 * @cssproperty --proofline-color-focus - The focus ring.
 * @cssproperty --proofline-radius - Corner radius of fields and buttons.
 * @cssproperty --proofline-font - The font family.
 * @cssproperty --proofline-max-width - The widget's largest width (default: none).
 *
 * @cssstate verified - The token is in the form (`:state(verified)`).
 */
export class ProoflineVerify extends FormAssociatedElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The site's public key (`pk_…`, never the secret `sk_…`). Required. */
  @property({ attribute: 'site-key' }) siteKey = '';
  /** The Proofline server; by default the folder above the script the widget was loaded from. */
  @property({ attribute: 'api-url' }) apiUrl = defaultApiUrl;
  /** ISO code of the country selected first; by default the region of the browser's language. */
  @property({ attribute: 'default-country' }) defaultCountry = '';
  /** ISO codes offered, space- or comma-separated (`"FR BE CH"`), within the site's allowed countries. */
  @property() countries = '';
  /** ISO codes listed first in the selector. */
  @property({ attribute: 'preferred-countries' }) preferredCountries = '';
  /**
   * Channels in the page's order, e.g. `"silent sms whatsapp voice"`: without `silent` first the
   * widget sends a code at once; also filters the "… instead" links. The first code always goes by
   * SMS or WhatsApp.
   */
  @property() channels = '';
  /** `en`, `es`, `fr`, `de`, or `auto`: the site's language setting, else the browser's. */
  @property() locale = 'auto';
  /** `light`, `dark` or `auto` (follows `prefers-color-scheme`). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** `compact` tightens the spacing; touch targets stay 44 px. */
  @property({ reflect: true }) size: 'normal' | 'compact' = 'normal';
  /** A number to start from, E.164 or national. */
  @property() phone = '';
  /** With `phone`: the number is already known (account recovery) and verified as given, never changed. */
  @property({ type: Boolean, reflect: true, attribute: 'phone-readonly' }) phoneReadonly = false;
  /** Echoed by siteverify, as Turnstile's `action`. */
  @property() action = '';
  /** Echoed by siteverify, as Turnstile's `cdata`. */
  @property() cdata = '';
  /** How silent verification reaches the operator: `fetch` (a hop in the background) or `redirect` (the page navigates and resumes on return). */
  @property({ attribute: 'silent-mode' }) silentMode: 'fetch' | 'redirect' = 'fetch';

  @query('#phone') private phoneInput?: HTMLInputElement;
  @query('#code') private codeInput?: HTMLInputElement;
  @query('#email') private emailInput?: HTMLInputElement;
  @query('.forward') private forwardButton?: HTMLButtonElement;

  private readonly localize = new LocalizeController(this);
  private readonly phoneField = new PhoneController(this);
  private readonly verification = new VerificationController(this, () => this.formValue.sync());
  private readonly formValue = new FormController(this, this.internals, () => ({
    token: this.verification.token,
    requiredMessage: this.localize.term.requiredMessage,
    anchor: this.phoneInput ?? undefined,
  }));
  private display = '';

  /** @internal The site's allowed countries, for the phone controller. */
  get siteCountries(): readonly string[] | null {
    return this.verification.config?.countries ?? null;
  }

  /** @internal The site's language from its settings (`auto`: the browser's), used when `locale` is `auto`. */
  get siteLocale(): string | undefined {
    return this.verification.config?.locale;
  }

  /** The language the widget speaks now (`en`, `es`, `fr` or `de`). */
  get language(): string {
    return this.localize.language;
  }

  /** The token once verified, else undefined (as `turnstile.getResponse`). */
  getResponse(): string | undefined {
    return this.verification.token;
  }

  /** Forgets the token and shows the phone step again. */
  reset(): void {
    this.verification.reset();
    this.phoneField.forgetProblem();
  }

  /**
   * The user's text for an error code, in the widget's language.
   * @internal For the controllers (the `message` of `proofline-error`).
   */
  errorMessage(code: string, retryAfter?: number, country?: string): string {
    return errorText(this.localize.term, code, {
      wait: this.localize.wait(retryAfter ?? 0),
      country: country ? countryName(country, this.language) : '—',
      length: this.verification.config?.codeLength ?? 6,
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('phone') && this.phone && !this.phoneField.text) this.phoneField.type(this.phone);
    if (changed.has('siteKey') || changed.has('apiUrl')) {
      if (changed.get('siteKey') !== undefined || changed.get('apiUrl') !== undefined) {
        this.verification.reset();
        void this.verification.loadConfig();
      }
    }
  }

  protected override updated(): void {
    const input = this.phoneInput;
    this.phoneField.showIn(input, Boolean(input) && this.shadowRoot?.activeElement === input);
    const target = this.verification.focusTarget;
    if (!target) return;
    const element = {
      phone: this.phoneInput,
      code: this.codeInput,
      email: this.emailInput,
      action: this.forwardButton,
    }[target];
    if (!element) return;
    this.verification.focusMoved();
    element.focus();
    if (element instanceof HTMLInputElement) element.select();
  }

  private async onPhoneSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.disabled || this.verification.busy) return;
    const result = await this.phoneField.validate();
    if (!result.ok) {
      this.verification.moveFocus('phone');
      return;
    }
    this.display = result.international;
    await this.verification.start(result.e164, result.country);
  }

  private onCodeSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const code = digitsOf(this.codeInput?.value ?? '');
    if (!code) {
      this.verification.refuse('code_required', 'code');
      return;
    }
    void this.verification.check(code);
  }

  private onPhoneInput(event: InputEvent): void {
    // While an IME composes, the text is the IME's: it is formatted once composition ends.
    if (event.isComposing) return;
    this.verification.clearError('phone');
    this.phoneField.edited(event);
  }

  /** Only the code's digits stay: a pasted `123 456` or `Code: 123-456` is as good as typed digits. */
  private onCodeInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    if (event.isComposing) return;
    const digits = digitsOf(input.value).slice(0, this.verification.config?.codeLength ?? 10);
    if (digits !== input.value) input.value = digits;
  }

  private onCountryChange(event: Event): void {
    this.phoneField.selectCountry((event.target as HTMLSelectElement).value);
    this.phoneInput?.focus();
  }

  /** "Change number", unless the number is the page's to decide (`phone-readonly`). */
  private changeNumberLink() {
    if (this.phoneReadonly) return nothing;
    return html`<button class="link" part="link change-number" type="button" @click=${() => this.verification.changeNumber()}>
      ${this.localize.term.changeNumber}
    </button>`;
  }

  /** The one status message for the polite live region; it changes only when something happens. */
  private announcement(): string {
    const t = this.localize.term;
    const v = this.verification;
    const error: WidgetError | undefined = this.phoneField.problem ?? v.error;
    if (error) return this.errorMessage(error.code, error.retryAfter, this.phoneField.problem?.country);
    if (v.state === 'silent') return t.silentChecking;
    if (v.state === 'verified') return t.verified;
    if (v.state === 'code' && v.view?.channel) {
      return v.wrongCode
        ? t.wrongCode(v.view.attemptsLeft)
        : t.codeSent(v.view.channel, v.view.to ?? this.display);
    }
    return '';
  }

  override render(): TemplateResult {
    const state = this.verification.state;
    const body =
      state === 'phone' || state === 'sending' || state === 'loading'
        ? this.renderPhone()
        : state === 'silent'
          ? this.renderSilent()
          : state === 'code'
            ? this.renderCode()
            : state === 'email'
              ? this.renderEmail()
              : state === 'verified'
                ? this.renderVerified()
                : this.renderError();
    return html`<div
      part="base"
      class="base"
      role="group"
      aria-label=${this.localize.term.widgetLabel}
      lang=${this.localize.term.$code}
      data-state=${state}
    >
      ${body}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement()}</div>
    </div>`;
  }

  private renderPhone(): TemplateResult {
    const t = this.localize.term;
    const v = this.verification;
    const problem: WidgetError | undefined =
      this.phoneField.problem ?? (v.error?.at === 'phone' ? v.error : undefined);
    const invalid = isMistake(problem);
    const wait = problem?.until ? v.errorWait : 0;
    const loading = v.state === 'loading';
    const busy = v.state === 'sending';
    const country = this.phoneField.country;
    return html`<form part="form" novalidate @submit=${this.onPhoneSubmit}>
      <label part="label" for="phone">${t.phoneLabel}</label>
      <div class="row wrap">
        <div class="country" part="country">
          <span class="country-value" aria-hidden="true">${country} +${this.phoneField.callingCode()}</span>
          <select
            id="country"
            aria-label=${t.countryLabel}
            autocomplete="tel-country-code"
            ?disabled=${this.disabled || busy || this.phoneReadonly}
            @change=${this.onCountryChange}
          >
            ${this.phoneField.options(this.language).map(
              (option) =>
                html`<option value=${option.country} ?selected=${option.country === country}>
                    ${option.name} (+${option.callingCode})
                  </option>`,
            )}
          </select>
        </div>
        <input
          id="phone"
          part="input phone"
          type="tel"
          inputmode="tel"
          autocomplete="tel"
          dir="ltr"
          aria-describedby="phone-help"
          aria-invalid=${invalid ? 'true' : 'false'}
          ?disabled=${this.disabled}
          ?readonly=${busy || this.phoneReadonly}
          @beforeinput=${this.phoneField.onBeforeInput}
          @input=${this.onPhoneInput}
          @compositionstart=${this.phoneField.onCompositionStart}
          @compositionend=${this.phoneField.onCompositionEnd}
        />
      </div>
      ${this.help('phone-help', t.phoneHint, problem, invalid)}
      <button
        part="button submit"
        class="primary"
        type="submit"
        ?disabled=${this.disabled || loading || wait > 0}
        aria-busy=${busy ? 'true' : 'false'}
      >
        ${busy ? html`${spinner}${t.busy}` : t.submit}
      </button>
    </form>`;
  }

  /** The help under a field: `hint`, or what `error` says of it (an error, or a notice of a wait). */
  private help(id: string, hint: string, error: WidgetError | undefined, invalid: boolean): TemplateResult {
    const text = error
      ? this.errorMessage(error.code, this.verification.waitOf(error), this.phoneField.problem?.country)
      : hint;
    return html`<p id=${id} class=${invalid ? 'message error' : error ? 'message notice' : 'message'} part=${invalid ? 'error' : 'hint'}>
      ${text}
    </p>`;
  }

  private renderSilent(): TemplateResult {
    const t = this.localize.term;
    return html`<div class="panel" part="silent">
        <span class="spinner" part="progress" role="progressbar" aria-labelledby="silent-title"></span>
        <div>
          <p class="title" id="silent-title">${t.silentChecking}</p>
          <p class="message">${t.silentHint}</p>
        </div>
      </div>
      ${this.changeNumberLink()}`;
  }

  private renderCode(): TemplateResult {
    const t = this.localize.term;
    const v = this.verification;
    const view = v.view!;
    const error = v.error?.at === 'code' ? v.error : undefined;
    const wait = v.resendWait;
    const invalid = isMistake(error) || v.wrongCode;
    return html`<p class="message sent" id="code-sent" part="sent">
        ${view.channel ? t.codeSent(view.channel, view.to ?? this.display) : nothing}
      </p>
      <form part="form" novalidate @submit=${this.onCodeSubmit}>
        <label part="label" for="code">${t.codeLabel}</label>
        <div class="row">
          <input
            id="code"
            part="input code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            dir="ltr"
            aria-describedby="code-help code-sent"
            aria-invalid=${invalid ? 'true' : 'false'}
            ?disabled=${this.disabled}
            @input=${this.onCodeInput}
          />
          <button part="button verify" class="primary" type="submit" ?disabled=${this.disabled} aria-busy=${v.busy ? 'true' : 'false'}>
            ${v.busy ? spinner : nothing}${t.verify}
          </button>
        </div>
        ${this.help('code-help', v.wrongCode ? t.wrongCode(view.attemptsLeft) : t.attemptsLeft(view.attemptsLeft), error, invalid)}
      </form>
      <div class="actions" part="actions">
        <button class="link" part="link resend" type="button" ?disabled=${wait > 0 || v.busy} @click=${() => v.resend(view.channel ?? undefined)}>
          ${wait > 0 ? t.resendIn(this.localize.wait(wait)) : t.resend}
        </button>
        ${v.otherChannels.map(
          (channel: Channel) =>
            html`<button class="link" part="link channel" type="button" data-channel=${channel} ?disabled=${wait > 0 || v.busy} @click=${() => (channel === 'email' ? v.askEmail() : v.resend(channel))}>
              ${t.switchTo[channel]}${wait > 0 ? ` (${this.localize.wait(wait)})` : nothing}
            </button>`,
        )}
        ${this.changeNumberLink()}
      </div>`;
  }

  /** The email step: asks for the address when the user picks email (the widget knows only the number). */
  private renderEmail(): TemplateResult {
    const t = this.localize.term;
    const v = this.verification;
    const error = v.error?.at === 'email' ? v.error : undefined;
    const invalid = isMistake(error);
    return html`<form part="form" novalidate @submit=${this.onEmailSubmit}>
        <label part="label" for="email">${t.emailLabel}</label>
        <input
          id="email"
          part="input email"
          type="email"
          autocomplete="email"
          dir="ltr"
          aria-describedby="email-help"
          aria-invalid=${invalid ? 'true' : 'false'}
          ?disabled=${this.disabled}
          ?readonly=${v.busy}
        />
        ${this.help('email-help', t.emailHint, error, invalid)}
        <button part="button submit" class="primary" type="submit" ?disabled=${this.disabled} aria-busy=${v.busy ? 'true' : 'false'}>
          ${v.busy ? html`${spinner}${t.busy}` : t.submit}
        </button>
      </form>
      <div class="actions" part="actions">
        <button class="link" part="link back" type="button" @click=${() => v.backToCode()}>${t.back}</button>
      </div>`;
  }

  private onEmailSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const email = this.emailInput?.value.trim() ?? '';
    // What the server takes as an address: something@domain.tld, no spaces.
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      this.verification.refuse('invalid_email', 'email');
      return;
    }
    void this.verification.sendEmail(email);
  }

  private renderVerified(): TemplateResult {
    const t = this.localize.term;
    const byEmail = this.verification.view?.channel === 'email';
    return html`<div class="panel done" part="verified">
        <svg class="check" viewBox="0 0 24 24" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5" /></svg>
        <div>
          <p class="title">${byEmail ? t.emailVerified : t.verified}</p>
          <p class="message" dir="auto">${t.verifiedNumber((byEmail && this.verification.view?.to) || this.display || this.verification.phone)}</p>
        </div>
      </div>
      <button class="link" part="link" type="button" @click=${() => this.reset()}>${t.useAnotherNumber}</button>`;
  }

  private renderError(): TemplateResult {
    const t = this.localize.term;
    const v = this.verification;
    const code = v.error?.code ?? 'internal_error';
    const again = code === 'expired' || code === 'max_attempts_reached';
    const label = !v.config
      ? t.tryAgain
      : again
        ? t.sendNewCode
        : code === 'token_expired'
          ? t.verifyAgain
          : code === 'blocked'
            ? t.useAnotherNumber
            : t.tryAgain;
    // A page that is not set up (unknown key, origin not allowed) is the developer's to fix: no button.
    const setup = code === 'invalid_site_key' || code === 'origin_not_allowed';
    return html`<div class="panel problem" part="problem">
        <svg class="alert" viewBox="0 0 24 24" aria-hidden="true"><path d="M12 7v6m0 4h.01" /></svg>
        <p class="title">${this.errorMessage(code, v.error?.retryAfter)}</p>
      </div>
      ${setup ? nothing : html`<button class="primary forward" part="button forward" type="button" @click=${() => this.verification.forward(this.phoneField.country)}>${label}</button>`}
      ${again || code === 'token_expired' ? this.changeNumberLink() : nothing}`;
  }
}
