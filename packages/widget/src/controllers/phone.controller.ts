import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  type CountryOption,
  callingCodeOf,
  callingCodes,
  countryOptions,
  isKnownCountry,
  regionOfLanguages,
} from '../phone/countries.js';
import type { PhoneEngine } from '../phone/engine.js';
import { caretIn, deleteAcross, type Significant, significant } from '../phone/input.js';

export interface PhoneHost extends ReactiveControllerHost {
  defaultCountry: string;
  /** Space- or comma-separated ISO codes from the `countries` attribute. */
  countries: string;
  preferredCountries: string;
  /** The site's allowed countries from `config.get` (null: all). */
  readonly siteCountries: readonly string[] | null;
}

export type PhoneValidation =
  | { ok: true; e164: string; country: string; international: string }
  | { ok: false };

/** What is wrong with the number before it is sent, shown next to the field like a server's refusal. */
export interface PhoneProblem {
  code: 'required' | 'too_short' | 'too_long' | 'invalid' | 'country_not_allowed';
  at: 'phone';
  /** The country a `country_not_allowed` problem names. */
  country?: string;
}

const codes = (list: string): string[] =>
  list
    .toUpperCase()
    .split(/[\s,]+/)
    .filter((code) => code.length === 2);

/**
 * The phone step's model: allowed and preferred countries, the selected country, as-you-type
 * formatting and validation. libphonenumber-js (the engine) loads right after the first render,
 * and each country's metadata when it is first needed.
 */
export class PhoneController implements ReactiveController {
  country = '';
  /** What the field shows. */
  text = '';
  /** What `validate` found wrong, until the number or the country changes. */
  problem?: PhoneProblem;
  /**
   * Where the caret goes in `text` once rendered: an index after typing; `'same-digit'` after a
   * reformat that no keystroke caused (metadata arrived), which keeps the caret after the digit it
   * is after now, wherever the arrows moved it since; undefined: where the browser put it.
   */
  private caret?: number | 'same-digit';
  /** The number as digits (and a leading `+`) with the caret among them: the source of `text`. */
  private typed: Significant = { text: '', caret: 0 };
  private engine?: PhoneEngine;
  private enginePromise?: Promise<PhoneEngine>;
  private userChoseCountry = false;
  /** Whether the edit under way replaces a selection (then a Backspace removes just that). */
  private selectionEdit = false;
  /** An IME is composing in the field: its text is left alone until it ends. */
  private composing = false;
  private optionsKey = '';
  private cachedOptions: CountryOption[] = [];

  constructor(private readonly host: PhoneHost) {
    host.addController(this);
  }

  /** Attribute list ∩ site list; null when neither restricts. */
  get allowed(): string[] | null {
    const own = this.host.countries ? codes(this.host.countries) : null;
    const site = this.host.siteCountries?.map((code) => code.toUpperCase()) ?? null;
    if (own && site) return own.filter((code) => site.includes(code));
    return own ?? site;
  }

  /** Sorted, localized options, kept until the language or the lists change (not rebuilt per keystroke). */
  options(language: string): CountryOption[] {
    const key = `${language}|${this.allowed?.join() ?? '*'}|${this.host.preferredCountries}`;
    if (key !== this.optionsKey) {
      this.optionsKey = key;
      this.cachedOptions = countryOptions(this.allowed, codes(this.host.preferredCountries), language);
    }
    return this.cachedOptions;
  }

  isAllowed(country: string): boolean {
    const allowed = this.allowed;
    return isKnownCountry(country) && (!allowed || allowed.includes(country));
  }

  hostUpdate(): void {
    if (this.userChoseCountry && this.isAllowed(this.country)) return;
    const preferred = codes(this.host.preferredCountries);
    const candidates = [
      this.host.defaultCountry.toUpperCase(),
      regionOfLanguages(navigator.languages),
      ...preferred,
      ...(this.allowed ?? []),
      'US',
    ];
    const country = candidates.find((code) => code && this.isAllowed(code)) ?? '';
    if (country !== this.country) this.selectCountry(country, false);
  }

  hostUpdated(): void {
    // The engine is the biggest chunk: fetch it once the field is on screen, not before.
    void this.loadEngine();
  }

  loadEngine(): Promise<PhoneEngine> {
    this.enginePromise ??= import('../phone/engine.js').then(({ createEngine }) => {
      this.engine = createEngine(callingCodes);
      return this.engine;
    });
    return this.enginePromise;
  }

  selectCountry(country: string, byUser = true): void {
    this.country = country;
    this.userChoseCountry ||= byUser;
    if (byUser) {
      this.problem = undefined;
      this.host.requestUpdate();
    }
    void this.loadEngine().then(async (engine) => {
      await engine.loadCountry(country);
      if (this.typed.text) this.show(false, false);
    });
  }

  /** A number set by the page (`phone` attribute): shown formatted, caret at the end. */
  type(text: string): void {
    this.input(text, text.length);
  }

  /**
   * The field changed (typing, paste, autofill, a cut): keeps the digits, formats them and puts the
   * caret back after the same digit. `deleted` tells a Backspace/Delete of one character.
   */
  input(value: string, caret: number, deleted?: 'backward' | 'forward'): void {
    this.problem = undefined;
    const now = significant(value, caret);
    this.typed = deleted ? deleteAcross(this.text, now, deleted) : now;
    this.show(true);
  }

  /**
   * Formats `typed` with the metadata at hand, then once more when missing metadata has loaded.
   * `typedNow`: a keystroke caused this, so `typed.caret` is where the caret is.
   */
  private show(loadMissing: boolean, typedNow = loadMissing): void {
    const engine = this.engine;
    const typed = this.typed;
    let text = typed.text;
    if (engine) {
      const formatted = engine.format(typed.text, this.country);
      // The formatter may not drop or add a digit: the field shows the digits as typed then.
      if (significant(formatted.text).text === typed.text) text = formatted.text;
      if (formatted.country && formatted.country !== this.country && this.isAllowed(formatted.country)) {
        this.country = formatted.country;
        this.userChoseCountry = true;
      }
      // Loads are started only from input, never from their own completion: no loop can form.
      if (!formatted.ready && loadMissing) {
        void engine.loadFor(typed.text, this.country).then(() => {
          if (this.typed === typed) this.show(false, false);
        });
      }
    } else if (loadMissing) {
      void this.loadEngine().then(() => {
        if (this.typed === typed) this.show(true, false);
      });
    }
    this.text = text;
    this.caret = typedNow ? caretIn(text, typed.caret) : 'same-digit';
    this.host.requestUpdate();
  }

  /** Checks the number before it is sent; what is wrong stays in `problem` until the number or the country changes. */
  async validate(): Promise<PhoneValidation> {
    const engine = await this.loadEngine();
    await engine.loadFor(this.text, this.country);
    const check = engine.check(this.text, this.country);
    if (!check.ok) this.problem = { code: check.problem, at: 'phone' };
    else if (check.country && !this.isAllowed(check.country)) {
      this.problem = { code: 'country_not_allowed', at: 'phone', country: check.country };
    }
    if (!check.ok || this.problem) return { ok: false };
    if (check.country === this.country || !check.country) this.input(check.national, check.national.length);
    return {
      ok: true,
      e164: check.e164,
      country: check.country ?? this.country,
      international: check.international,
    };
  }

  forgetProblem(): void {
    this.problem = undefined;
  }

  /** After each render: the field shows `text` (unless an IME composes), the caret after the same digit. */
  showIn(input: HTMLInputElement | undefined, focused: boolean): void {
    const wanted = this.caret;
    this.caret = undefined;
    if (!input) return;
    const caret =
      wanted === 'same-digit'
        ? caretIn(this.text, significant(input.value, input.selectionStart ?? input.value.length).caret)
        : wanted;
    if (!this.composing && input.value !== this.text) input.value = this.text;
    if (caret !== undefined && focused) input.setSelectionRange(caret, caret);
  }

  // The field's events, bound by the view (arrow functions: Lit calls listeners on the host).

  readonly onBeforeInput = (event: InputEvent): void => {
    const input = event.target as HTMLInputElement;
    this.selectionEdit = input.selectionStart !== input.selectionEnd;
  };

  /** The field changed; the view calls it once the IME, if any, is done (`event.isComposing` false). */
  edited(event: InputEvent): void {
    const input = event.target as HTMLInputElement;
    const type = event.inputType;
    const deleted = this.selectionEdit
      ? undefined
      : type === 'deleteContentBackward'
        ? 'backward'
        : type === 'deleteContentForward'
          ? 'forward'
          : undefined;
    this.selectionEdit = false;
    this.input(input.value, input.selectionStart ?? input.value.length, deleted);
  }

  readonly onCompositionStart = (): void => {
    this.composing = true;
  };

  readonly onCompositionEnd = (event: CompositionEvent): void => {
    const input = event.target as HTMLInputElement;
    this.composing = false;
    this.input(input.value, input.selectionStart ?? input.value.length);
  };

  callingCode(): string {
    return callingCodeOf(this.country) ?? '';
  }
}
