import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * WebOTP: Chrome on Android reads the code from an SMS ending in `@<domain> #<code>` and hands it
 * over with the user's consent. One request at a time; removing the element aborts it.
 */
export class WebOtpController implements ReactiveController {
  private request?: AbortController;

  constructor(
    host: ReactiveControllerHost,
    private readonly onCode: (code: string) => void,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Waits for the code of an SMS; a browser without WebOTP does nothing. */
  start(): void {
    if (this.request || !('OTPCredential' in window)) return;
    const request = new AbortController();
    this.request = request;
    navigator.credentials
      .get({ otp: { transport: ['sms'] }, signal: request.signal } as CredentialRequestOptions)
      .then((credential) => {
        const code = (credential as { code?: string } | null)?.code;
        if (code && !request.signal.aborted) this.onCode(code);
      })
      .catch(() => {
        // Aborted or refused: the user types the code.
      })
      .finally(() => {
        if (this.request === request) this.request = undefined;
      });
  }

  stop(): void {
    this.request?.abort();
    this.request = undefined;
  }
}
