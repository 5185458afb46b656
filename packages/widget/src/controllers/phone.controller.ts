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
  | {
      ok: false;
      problem: 'required' | 'too_short' | 'too_long' | 'invalid' | 'country_not_allowed';
      country?: string;
    };

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
  text = '';
  private engine?: PhoneEngine;
  private enginePromise?: Promise<PhoneEngine>;
  private userChoseCountry = false;
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
    if (byUser) this.host.requestUpdate();
    void this.loadEngine().then(async (engine) => {
      await engine.loadCountry(country);
      if (this.text) this.type(this.text, true);
    });
  }

  /** The user typed or pasted; reformats when the caret is at the end so editing mid-number stays put. */
  type(text: string, caretAtEnd: boolean): void {
    this.text = text;
    const engine = this.engine;
    if (engine && caretAtEnd) {
      const typed = engine.format(text, this.country);
      this.text = typed.text;
      if (typed.country && typed.country !== this.country && this.isAllowed(typed.country)) {
        this.country = typed.country;
        this.userChoseCountry = true;
      }
      if (!typed.ready) {
        void engine.loadFor(text, this.country).then(() => {
          if (this.text === typed.text) this.type(this.text, true);
        });
      }
    }
    this.host.requestUpdate();
  }

  async validate(): Promise<PhoneValidation> {
    const engine = await this.loadEngine();
    await engine.loadFor(this.text, this.country);
    const check = engine.check(this.text, this.country);
    if (!check.ok) return { ok: false, problem: check.problem };
    const country = check.country ?? this.country;
    if (check.country && !this.isAllowed(check.country)) {
      return { ok: false, problem: 'country_not_allowed', country: check.country };
    }
    this.text = check.country === this.country || !check.country ? check.national : this.text;
    return { ok: true, e164: check.e164, country, international: check.international };
  }

  callingCode(): string {
    return callingCodeOf(this.country) ?? '';
  }
}
