import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The form field of the token when the page names none. */
export const DEFAULT_NAME = 'proofline-token';

export interface FormHost extends ReactiveControllerHost {
  name: string;
  required: boolean;
}

/** What the form sees of the widget now. */
export interface FormValue {
  token: string | undefined;
  /** The validation message of a `required` widget, in the widget's language. */
  requiredMessage: string;
  /** Where the browser points its "fill this in" bubble: the number, once rendered. */
  anchor: HTMLElement | undefined;
}

/**
 * Form association the Material Web way: the token is the form value under `name`, set
 * synchronously whenever it changes (`sync`) and again after each render (the name, `required`,
 * the message's language or the anchor may have changed); a `required` widget is `valueMissing`
 * until verified; `:state(verified)` styles a verified widget.
 */
export class FormController implements ReactiveController {
  constructor(
    private readonly host: FormHost,
    private readonly internals: ElementInternals,
    private readonly value: () => FormValue,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
  }

  sync(): void {
    const { token, requiredMessage, anchor } = this.value();
    const { name, required } = this.host;
    if (token) {
      const data = new FormData();
      data.append(name || DEFAULT_NAME, token);
      this.internals.setFormValue(data);
      this.internals.states.add('verified');
    } else {
      this.internals.setFormValue(null);
      this.internals.states.delete('verified');
    }
    if (required && !token) this.internals.setValidity({ valueMissing: true }, requiredMessage, anchor);
    else this.internals.setValidity({});
  }
}
