import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { DEFAULT_NAME } from '../controllers/form.controller.js';

/**
 * A form-associated element the Material Web way: `ElementInternals` carries its value and
 * validity (set by a `FormController`), and it answers the form's constraint-validation API, a
 * form reset and a disabled fieldset like a native field.
 */
export abstract class FormAssociatedElement extends LitElement {
  static formAssociated = true;

  /** The form field the token is submitted under. */
  @property() name = DEFAULT_NAME;
  /** The form cannot be submitted until the number is verified. */
  @property({ type: Boolean, reflect: true }) required = false;
  /** No typing, no sending; a disabled fieldset or form sets it too. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  protected readonly internals = this.attachInternals();

  /** What a form reset does. */
  abstract reset(): void;

  /** The form the widget belongs to. */
  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  /** `valueMissing` while a `required` widget is not verified. */
  get validity(): ValidityState {
    return this.internals.validity;
  }

  /** What the browser says when a `required` widget blocks the submit, in the widget's language. */
  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  /** False while a `required` widget is not verified. */
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  /** As `checkValidity()`, and the browser shows the validation message. */
  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  /** @internal */
  formResetCallback(): void {
    this.reset();
  }

  /** @internal */
  formDisabledCallback(disabled: boolean): void {
    this.disabled = disabled;
  }
}
