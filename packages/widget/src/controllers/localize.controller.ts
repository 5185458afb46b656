import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Locale, loadTranslation, resolveLocale, type Translation } from '../translations/index.js';

export interface LocalizeHost extends ReactiveControllerHost {
  /** The `locale` attribute: a language tag or `auto` (the site's language, else `navigator.languages`). */
  locale: string;
  /** The language in the site's settings, once known (`auto`: the browser's). */
  readonly siteLocale?: string | undefined;
}

/** Picks the widget's language, loads its dictionary on demand and re-renders when it arrives. */
export class LocalizeController implements ReactiveController {
  term: Translation = en;
  private requested: Locale = 'en';

  constructor(private readonly host: LocalizeHost) {
    host.addController(this);
  }

  get language(): Locale {
    return this.term.$code as Locale;
  }

  hostConnected(): void {
    addEventListener('languagechange', this.onLanguageChange);
  }

  hostDisconnected(): void {
    removeEventListener('languagechange', this.onLanguageChange);
  }

  hostUpdate(): void {
    const requested = this.host.locale === 'auto' ? this.host.siteLocale : this.host.locale;
    const wanted = resolveLocale(requested, navigator.languages);
    if (wanted === this.requested) return;
    this.requested = wanted;
    loadTranslation(wanted).then(
      (term) => {
        if (this.requested !== wanted) return;
        this.term = term;
        this.host.requestUpdate();
      },
      () => {
        // A locale chunk that fails to load leaves the widget in English rather than broken.
        this.requested = 'en';
        this.term = en;
        this.host.requestUpdate();
      },
    );
  }

  /** A wait in seconds as `m:ss`, the way countdowns read in every shipped language. */
  wait(seconds: number): string {
    const whole = Math.max(0, Math.ceil(seconds));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
  }

  private readonly onLanguageChange = (): void => this.host.requestUpdate();
}
