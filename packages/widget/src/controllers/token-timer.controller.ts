import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Tokens are valid 300 s on the server; the widget clears its copy when it lapses. */
const TOKEN_LIFETIME_MS = 300_000;

/**
 * The token's lifetime: calls `onExpire` when the server no longer takes it. The deadline
 * survives the element moving in the page; removing the element stops the timer.
 */
export class TokenTimerController implements ReactiveController {
  private timer?: ReturnType<typeof setTimeout>;
  /** When the token lapses, in ms since the epoch; 0 while there is no token. */
  private expiresAt = 0;

  constructor(
    host: ReactiveControllerHost,
    private readonly onExpire: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.expiresAt) this.arm();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  /** A token was issued now. */
  start(): void {
    this.expiresAt = Date.now() + TOKEN_LIFETIME_MS;
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.expiresAt = 0;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expiresAt = 0;
      this.onExpire();
    }, this.expiresAt - Date.now());
  }
}
