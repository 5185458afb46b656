import { ProoflineVerify } from './verify.component.js';

export { ProoflineVerify };

// The script tag and a bundler import may both run on one page: define once.
if (!customElements.get('proofline-verify')) customElements.define('proofline-verify', ProoflineVerify);

declare global {
  interface HTMLElementTagNameMap {
    'proofline-verify': ProoflineVerify;
  }
}
