import type { Channel } from '@proofline/shared';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize.controller.js';
import { PhoneController } from '../controllers/phone.controller.js';
import { VerificationController, type WidgetError } from '../controllers/verification.controller.js';
import { countryName } from '../phone/countries.js';
import { digitsOf } from '../phone/input.js';
import type { Translation } from '../translations/index.js';
import { defaultApiUrl } from './default-api-url.js';
import { styles } from './verify.styles.js';

const DEFAULT_NAME = 'proofline-token';
/** Send limits: the user waits, nothing they typed is wrong. */
const LIMITS = ['rate_limited', 'resend_cooldown', 'max_sends_reached'];

/**
 * `<proofline-verify site-key="pk_…">`: proves that a phone number is the user's and puts a signed
 * token in the surrounding form. A thin view over three controllers: verification (server and state
 * machine), phone (countries, formatting, validation) and localize (language).
 */
export class ProoflineVerify extends LitElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static formAssociated = true;

  @property({ attribute: 'site-key' }) siteKey = '';
  @property({ attribute: 'api-url' }) apiUrl = defaultApiUrl;
  @property({ attribute: 'default-country' }) defaultCountry = '';
  @property() countries = '';
  @property({ attribute: 'preferred-countries' }) preferredCountries = '';
  @property() channels = '';
  @property() locale = 'auto';
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  @property({ reflect: true }) size: 'normal' | 'compact' = 'normal';
  @property() name = DEFAULT_NAME;
  @property() phone = '';
  /** The number is already known (account recovery): it is verified as given, never changed. */
  @property({ type: Boolean, reflect: true, attribute: 'phone-readonly' }) phoneReadonly = false;
  @property() action = '';
  @property() cdata = '';
  @property({ attribute: 'silent-mode' }) silentMode: 'fetch' | 'redirect' = 'fetch';
  @property({ type: Boolean, reflect: true }) required = false;
  @property({ type: Boolean, reflect: true }) disabled = false;

  @query('#phone') private phoneInput?: HTMLInputElement;
  @query('#code') private codeInput?: HTMLInputElement;
  @query('#email') private emailInput?: HTMLInputElement;
  @query('.forward') private forwardButton?: HTMLButtonElement;

  private readonly internals = this.attachInternals();
  private readonly localize = new LocalizeController(this);
  private readonly phoneField = new PhoneController(this);
  private readonly verification = new VerificationController(this, () => this.syncForm());
  /** A problem found in the browser before anything is sent. */
  private phoneProblem?: WidgetError;
  /** The country a `country_not_allowed` problem names. */
  private problemCountry?: string;
  private display = '';
  private formTerm?: Translation;
  /** Whether the edit under way replaces a selection (then a Backspace removes just that). */
  private selectionEdit = false;
  /** An IME is composing in the phone field: its text is left alone until it ends. */
  private composing = false;

  get siteCountries(): readonly string[] | null {
    return this.verification.config?.countries ?? null;
  }

  /** The site's language from its settings (`auto`: the browser's), used when `locale` is `auto`. */
  get siteLocale(): string | undefined {
    return this.verification.config?.locale;
  }

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
    this.phoneProblem = undefined;
  }

  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  get validity(): ValidityState {
    return this.internals.validity;
  }

  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  formResetCallback(): void {
    this.reset();
  }

  formDisabledCallback(disabled: boolean): void {
    this.disabled = disabled;
  }

  errorMessage(code: string, retryAfter?: number, country?: string): string {
    const t = this.localize.term;
    const e = t.errors;
    const wait = this.localize.wait(retryAfter ?? 0);
    const messages: Record<string, string> = {
      required: e.phoneRequired,
      too_short: e.tooShort,
      too_long: e.tooLong,
      invalid: e.invalidPhone,
      invalid_phone: e.invalidPhone,
      country_not_allowed: e.countryNotAllowed(country ? countryName(country, this.language) : '—'),
      line_type_not_allowed: e.lineTypeNotAllowed,
      code_required: e.codeRequired,
      invalid_code: e.invalidCode(this.verification.config?.codeLength ?? 6),
      rate_limited: e.rateLimited(wait),
      resend_cooldown: e.resendCooldown(wait),
      max_sends_reached: e.maxSends,
      blocked: e.blocked,
      expired: e.expired,
      max_attempts_reached: e.maxAttempts,
      failed: e.failed,
      canceled: e.failed,
      verification_closed: e.failed,
      network_error: e.network,
      invalid_site_key: e.siteKeyUnknown,
      invalid_email: e.invalidEmail,
      origin_not_allowed: e.siteNotAllowed,
      channel_not_allowed: e.siteNotAllowed,
      token_expired: e.tokenExpired,
    };
    return messages[code] ?? e.unavailable;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.syncForm();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('phone') && this.phone && !this.phoneField.text) this.phoneField.type(this.phone);
    if (changed.has('required') || changed.has('name')) this.syncForm();
    if (changed.has('siteKey') || changed.has('apiUrl')) {
      if (changed.get('siteKey') !== undefined || changed.get('apiUrl') !== undefined) {
        this.verification.reset();
        void this.verification.loadConfig();
      }
    }
  }

  protected override firstUpdated(): void {
    this.syncForm();
  }

  protected override updated(): void {
    // The field shows the controller's text (formatted as typed); the caret stays after the same digit.
    const input = this.phoneInput;
    if (input && !this.composing && input.value !== this.phoneField.text) input.value = this.phoneField.text;
    const caret = this.phoneField.caret;
    if (caret !== undefined && input && this.shadowRoot?.activeElement === input)
      input.setSelectionRange(caret, caret);
    this.phoneField.caret = undefined;
    // The validation message is in the widget's language; a new dictionary means a new message.
    if (this.localize.term !== this.formTerm) {
      this.formTerm = this.localize.term;
      this.syncForm();
    }
    const target = this.verification.focusTarget;
    if (!target) return;
    const element = {
      phone: this.phoneInput,
      code: this.codeInput,
      email: this.emailInput,
      action: this.forwardButton,
    }[target];
    if (!element) return;
    this.verification.focusTarget = undefined;
    element.focus();
    if (element instanceof HTMLInputElement) element.select();
  }

  /** Form value, validity and custom state follow the token synchronously. */
  private syncForm(): void {
    const token = this.verification.token;
    if (token) {
      const data = new FormData();
      data.append(this.name || DEFAULT_NAME, token);
      this.internals.setFormValue(data);
      this.internals.states.add('verified');
    } else {
      this.internals.setFormValue(null);
      this.internals.states.delete('verified');
    }
    if (this.required && !token) {
      // The anchor is where the browser points its "fill this in" bubble: the number, once rendered.
      this.internals.setValidity(
        { valueMissing: true },
        this.localize.term.requiredMessage,
        this.phoneInput ?? undefined,
      );
    } else {
      this.internals.setValidity({});
    }
  }

  private async onPhoneSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.disabled || this.verification.busy) return;
    const result = await this.phoneField.validate();
    if (!result.ok) {
      this.phoneProblem = { code: result.problem, at: 'phone' };
      this.problemCountry = result.country;
      this.verification.focusTarget = 'phone';
      this.requestUpdate();
      return;
    }
    this.phoneProblem = undefined;
    this.display = result.international;
    await this.verification.start(result.e164, result.country);
  }

  private onCodeSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const code = digitsOf(this.codeInput?.value ?? '');
    if (!code) {
      this.verification.error = { code: 'code_required', at: 'code' };
      this.verification.focusTarget = 'code';
      this.requestUpdate();
      return;
    }
    void this.verification.check(code);
  }

  private onPhoneBeforeInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    this.selectionEdit = input.selectionStart !== input.selectionEnd;
  }

  private onPhoneInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    // While an IME composes, the text is the IME's: it is formatted once composition ends.
    if (event.isComposing) return;
    this.phoneProblem = undefined;
    if (this.verification.error?.at === 'phone') this.verification.error = undefined;
    const type = event.inputType;
    const deleted = this.selectionEdit
      ? undefined
      : type === 'deleteContentBackward'
        ? 'backward'
        : type === 'deleteContentForward'
          ? 'forward'
          : undefined;
    this.selectionEdit = false;
    this.phoneField.input(input.value, input.selectionStart ?? input.value.length, deleted);
  }

  /** Only the code's digits stay: a pasted `123 456` or `Code: 123-456` is as good as typed digits. */
  private onCodeInput(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    if (event.isComposing) return;
    const digits = digitsOf(input.value).slice(0, this.verification.config?.codeLength ?? 10);
    if (digits !== input.value) input.value = digits;
  }

  private onPhoneCompositionEnd(event: CompositionEvent): void {
    const input = event.target as HTMLInputElement;
    this.composing = false;
    this.phoneField.input(input.value, input.selectionStart ?? input.value.length);
  }

  private onCountryChange(event: Event): void {
    this.phoneProblem = undefined;
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

  private forward(): void {
    const v = this.verification;
    const code = v.error?.code;
    if (!v.config) void v.loadConfig();
    else if (code === 'expired' || code === 'max_attempts_reached' || code === 'token_expired') {
      void v.start(v.phone, this.phoneField.country);
    } else v.changeNumber();
  }

  /** The one status message for the polite live region; it changes only when something happens. */
  private announcement(): string {
    const t = this.localize.term;
    const v = this.verification;
    const error = this.phoneProblem ?? v.error;
    if (error) return this.errorMessage(error.code, error.retryAfter, this.problemCountry);
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
    const problem = this.phoneProblem ?? (v.error?.at === 'phone' ? v.error : undefined);
    const invalid = Boolean(problem) && !LIMITS.includes(problem!.code);
    const wait = problem?.until ? v.errorWait : 0;
    const message = problem
      ? this.errorMessage(problem.code, v.waitOf(problem), this.problemCountry)
      : t.phoneHint;
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
          @beforeinput=${this.onPhoneBeforeInput}
          @input=${this.onPhoneInput}
          @compositionstart=${() => {
            this.composing = true;
          }}
          @compositionend=${this.onPhoneCompositionEnd}
        />
      </div>
      <p id="phone-help" class=${invalid ? 'message error' : problem ? 'message notice' : 'message'} part=${invalid ? 'error' : 'hint'}>
        ${message}
      </p>
      <button
        part="button submit"
        class="primary"
        type="submit"
        ?disabled=${this.disabled || loading || wait > 0}
        aria-busy=${busy ? 'true' : 'false'}
      >
        ${busy ? html`<span class="spinner small" aria-hidden="true"></span>${t.busy}` : t.submit}
      </button>
    </form>`;
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
    const message = error
      ? this.errorMessage(error.code, v.waitOf(error))
      : v.wrongCode
        ? t.wrongCode(view.attemptsLeft)
        : t.attemptsLeft(view.attemptsLeft);
    // A send limit is news about waiting, not a mistake in the code: it is not shown as an error.
    const invalid = (Boolean(error) && !LIMITS.includes(error!.code)) || v.wrongCode;
    const notice = error && !invalid ? 'message notice' : invalid ? 'message error' : 'message';
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
            ${v.busy ? html`<span class="spinner small" aria-hidden="true"></span>` : nothing}${t.verify}
          </button>
        </div>
        <p id="code-help" class=${notice} part=${invalid ? 'error' : 'hint'}>${message}</p>
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
    const invalid = Boolean(error) && !LIMITS.includes(error!.code);
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
        <p id="email-help" class=${invalid ? 'message error' : error ? 'message notice' : 'message'} part=${invalid ? 'error' : 'hint'}>
          ${error ? this.errorMessage(error.code, v.waitOf(error)) : t.emailHint}
        </p>
        <button part="button submit" class="primary" type="submit" ?disabled=${this.disabled} aria-busy=${v.busy ? 'true' : 'false'}>
          ${v.busy ? html`<span class="spinner small" aria-hidden="true"></span>${t.busy}` : t.submit}
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
      this.verification.error = { code: 'invalid_email', at: 'email' };
      this.verification.focusTarget = 'email';
      this.requestUpdate();
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
      ${setup ? nothing : html`<button class="primary forward" part="button forward" type="button" @click=${() => this.forward()}>${label}</button>`}
      ${again || code === 'token_expired' ? this.changeNumberLink() : nothing}`;
  }
}
