// The page's own submit button waits for the widget: shown once the number is verified (one primary
// button at a time), hidden again when the verification is reset or its token expires.
for (const form of document.querySelectorAll('form')) {
  const widget = form.querySelector('proofline-verify');
  const button = form.querySelector('[data-needs-verification]');
  const hint = form.querySelector('[data-verification-hint]');
  if (!widget || !button) continue;
  const sync = () => {
    const verified = Boolean(widget.getResponse?.());
    button.hidden = !verified;
    if (hint) hint.hidden = verified;
  };
  for (const name of ['proofline-verified', 'proofline-expired', 'proofline-state'])
    widget.addEventListener(name, sync);
}
