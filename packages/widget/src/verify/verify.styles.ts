import { css, unsafeCSS } from 'lit';

/**
 * Neutral looks that fit a signup form. Colors, radius and font are custom properties
 * (`--proofline-*`) and every block has a `part`. Layout uses logical properties so it mirrors
 * under `dir=rtl`; numbers stay left-to-right. Interactive targets are at least 44 px tall.
 */
type Palette = Record<
  | 'accent'
  | 'on-accent'
  | 'background'
  | 'field'
  | 'text'
  | 'muted'
  | 'border'
  | 'error'
  | 'success'
  | 'focus',
  string
>;

const light: Palette = {
  accent: '#1d4ed8',
  'on-accent': '#ffffff',
  background: '#ffffff',
  field: '#ffffff',
  text: '#111827',
  muted: '#4b5563',
  border: '#8a94a3',
  error: '#b91c1c',
  success: '#15803d',
  focus: '#2563eb',
};

const dark: Palette = {
  accent: '#93c5fd',
  'on-accent': '#0b1220',
  background: '#111827',
  field: '#1f2937',
  text: '#f3f4f6',
  muted: '#c1c8d2',
  border: '#6b7280',
  error: '#fca5a5',
  success: '#86efac',
  focus: '#93c5fd',
};

/** A palette as the internal `--_<name>` colors, each overridable by `--proofline-color-<name>`. */
const theme = (selector: string, scheme: 'light' | 'dark', palette: Palette): string =>
  `${selector}{color-scheme:${scheme};${Object.entries(palette)
    .map(([name, color]) => `--_${name}:var(--proofline-color-${name},${color})`)
    .join(';')}}`;

/** Light by default; dark with `theme="dark"`, and with `auto` (the default) on a dark system. */
const themes = unsafeCSS(
  theme(':host', 'light', light) +
    theme(":host([theme='dark'])", 'dark', dark) +
    `@media (prefers-color-scheme:dark){${theme(":host(:not([theme='light']))", 'dark', dark)}}`,
);

export const styles = [
  themes,
  css`
  :host {
    --_radius: var(--proofline-radius, 8px);
    --_font: var(--proofline-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --_gap: 12px;
    --_pad: 16px;
    display: block;
    max-width: var(--proofline-max-width, none);
    min-width: 0;
    font-family: var(--_font);
    font-size: 1rem;
    line-height: 1.45;
  }

  :host([hidden]) {
    display: none;
  }

  :host([size='compact']) {
    --_gap: 8px;
    --_pad: 12px;
    font-size: 0.9375rem;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .base {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
    padding: var(--_pad);
    border: 1px solid color-mix(in srgb, var(--_border) 55%, transparent);
    border-radius: calc(var(--_radius) + 4px);
    background: var(--_background);
    color: var(--_text);
  }

  form {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0;
  }

  label {
    font-weight: 600;
  }

  p {
    margin: 0;
  }

  .row {
    display: flex;
    gap: 8px;
    min-width: 0;
  }

  input,
  select,
  button {
    font: inherit;
    color: inherit;
  }

  /* The number always shows whole: below its width the field moves under the country. */
  .row.wrap {
    flex-wrap: wrap;
  }

  #phone {
    flex-basis: 10.5em;
  }

  input {
    flex: 1 1 auto;
    min-width: 0;
    min-height: 44px;
    padding: 0 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field);
    color: var(--_text);
    font-size: max(16px, 1em);
    text-align: start;
  }

  /* Numbers read left to right in every language, also inside a right-to-left page. */
  input[dir='ltr']:placeholder-shown,
  input[dir='ltr'] {
    direction: ltr;
  }

  #code {
    letter-spacing: 0.2em;
    font-variant-numeric: tabular-nums;
  }

  input[aria-invalid='true'] {
    border-color: var(--_error);
    box-shadow: inset 0 0 0 1px var(--_error);
  }

  .country {
    position: relative;
    flex: 0 0 auto;
    display: flex;
    align-items: center;
    min-height: 44px;
    padding-inline: 12px 28px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field);
    white-space: nowrap;
    direction: ltr;
  }

  .country::after {
    content: '';
    position: absolute;
    inset-inline-end: 11px;
    top: 50%;
    width: 7px;
    height: 7px;
    margin-top: -5px;
    border-inline-end: 2px solid var(--_muted);
    border-bottom: 2px solid var(--_muted);
    transform: rotate(45deg);
    pointer-events: none;
  }

  /* The native select keeps keyboard, screen reader and mobile pickers; only its face is ours. */
  .country select {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    opacity: 0;
    cursor: pointer;
  }

  .country:focus-within,
  input:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  input:focus {
    outline: 3px solid var(--_focus);
    outline-offset: 1px;
  }

  button {
    min-height: 44px;
    border-radius: var(--_radius);
    cursor: pointer;
  }

  button:disabled {
    cursor: default;
  }

  .primary {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    padding: 0 20px;
    border: 0;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }

  form > .primary,
  .forward {
    width: 100%;
    margin-top: 6px;
  }

  .primary:disabled {
    opacity: 0.6;
  }

  .primary:not(:disabled):hover {
    background: color-mix(in srgb, var(--_accent) 88%, var(--_text));
  }

  .link {
    align-self: flex-start;
    min-width: 44px;
    padding: 0;
    border: 0;
    background: none;
    color: var(--_accent);
    text-decoration: underline;
    text-underline-offset: 3px;
    text-align: start;
  }

  .link:disabled {
    color: var(--_muted);
    text-decoration: none;
  }

  .message {
    color: var(--_muted);
    font-size: 0.875em;
  }

  .message.notice {
    color: var(--_text);
  }

  .message.error {
    color: var(--_error);
    font-weight: 500;
  }

  .sent {
    color: var(--_text);
    font-size: 0.9375em;
  }

  .title {
    font-weight: 600;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0 20px;
  }

  .panel {
    display: flex;
    align-items: flex-start;
    gap: 12px;
  }

  .panel svg {
    flex: 0 0 auto;
    width: 28px;
    height: 28px;
    padding: 4px;
    border-radius: 50%;
    fill: none;
    stroke-width: 2.5;
    stroke-linecap: round;
    stroke-linejoin: round;
  }

  .done svg {
    background: var(--_success);
    stroke: var(--_background);
  }

  .problem svg {
    background: var(--_error);
    stroke: var(--_background);
  }

  .problem .title {
    color: var(--_text);
    padding-top: 2px;
  }

  .spinner {
    flex: 0 0 auto;
    width: 24px;
    height: 24px;
    border: 3px solid color-mix(in srgb, var(--_accent) 25%, transparent);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  .spinner.small {
    width: 16px;
    height: 16px;
    border-width: 2px;
    border-color: color-mix(in srgb, var(--_on-accent) 35%, transparent);
    border-top-color: var(--_on-accent);
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`,
];
