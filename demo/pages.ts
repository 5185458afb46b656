type PageOptions = { prooflineUrl: string; siteKey: string };

const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function layout(options: PageOptions, title: string, main: string, panels = true): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Acme (Proofline demo)</title>
  <link rel="stylesheet" href="/assets/demo.css">
  <script src="${escapeHtml(options.prooflineUrl)}/widget/proofline.js" async></script>
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">Acme</a>
    <nav><a href="/">Sign up</a> <a href="/recover">Recover account</a></nav>
  </header>
  <div class="layout">
    <main class="site">${main}</main>
    ${panels ? panelsHtml() : ''}
  </div>
  ${panels ? '<script type="module" src="/assets/panels.js"></script>' : ''}
</body>
</html>`;
}

function panelsHtml(): string {
  return `<aside class="panels" aria-label="Demo controls">
  <section class="panel" aria-labelledby="device-title">
    <h2 id="device-title">Device simulator</h2>
    <p class="hint">What the mobile operator sees. Silent verification works only on mobile data, on the typed number.</p>
    <fieldset>
      <legend>Connection</legend>
      <label><input type="radio" name="connection" value="wifi" checked> Wi-Fi (no silent verification)</label>
      <label><input type="radio" name="connection" value="cellular"> Mobile data on number</label>
    </fieldset>
    <label class="field">Device number <input id="device-phone" type="tel" value="+447400123456" dir="ltr" autocomplete="off"></label>
    <div class="row">
      <button type="button" data-simulate="sim_swap">Simulate SIM swap</button>
      <button type="button" data-simulate="port">Simulate port</button>
      <button type="button" data-simulate="recycled">Simulate recycled number</button>
    </div>
    <p class="status" id="device-status" role="status"></p>
  </section>
  <section class="panel phone-mockup" aria-labelledby="phone-title">
    <h2 id="phone-title">Phone</h2>
    <p class="hint">What this phone (the device number above) received, from the dev inbox.</p>
    <div class="phone-screen" id="phone-messages" aria-live="polite"><p class="empty">No messages yet.</p></div>
  </section>
  <section class="panel" aria-labelledby="settings-title">
    <h2 id="settings-title">Site settings</h2>
    <form id="settings-form">
      <fieldset>
        <legend>Channels, in fallback order</legend>
        <label><input type="checkbox" name="channels" value="sms" checked> SMS</label>
        <label><input type="checkbox" name="channels" value="whatsapp" checked> WhatsApp</label>
        <label><input type="checkbox" name="channels" value="voice" checked> Voice call</label>
        <label><input type="checkbox" name="channels" value="email" checked> Email</label>
      </fieldset>
      <label><input type="checkbox" name="silent" checked> Silent verification</label>
      <label><input type="checkbox" name="block_voip"> Block VoIP numbers</label>
      <label class="field">Code length <input type="number" name="code_length" min="4" max="10" value="6"></label>
      <label class="field">Widget language
        <select name="locale"><option value="auto">Browser</option><option>en</option><option>es</option><option>fr</option><option>de</option></select>
      </label>
      <button type="submit">Apply settings</button>
      <p class="status" id="settings-status" role="status"></p>
    </form>
  </section>
</aside>`;
}

export function signupPage(options: PageOptions): string {
  return layout(
    options,
    'Sign up',
    `<h1>Create your Acme account</h1>
  <form class="card" method="post" action="/signup" id="signup-form">
    <label class="field">Name <input name="name" autocomplete="name" required></label>
    <proofline-verify site-key="${escapeHtml(options.siteKey)}" api-url="${escapeHtml(options.prooflineUrl)}"
      default-country="GB" action="signup" required></proofline-verify>
    <button type="submit" class="primary">Create account</button>
  </form>`,
  );
}

export function recoverPage(options: PageOptions): string {
  return layout(
    options,
    'Recover account',
    `<h1>Recover your account</h1>
  <p>We will confirm it is you with the phone number on your account.</p>
  <form class="card" method="post" action="/signup" id="recover-form">
    <input type="hidden" name="name" value="Returning customer">
    <proofline-verify site-key="${escapeHtml(options.siteKey)}" api-url="${escapeHtml(options.prooflineUrl)}"
      phone="+447400123456" phone-readonly action="recover" required></proofline-verify>
    <button type="submit" class="primary">Continue</button>
  </form>`,
  );
}

export function resultPage(options: PageOptions & { name: string; result: Record<string, unknown> }): string {
  const { result } = options;
  const body = result.success
    ? `<div class="card result ok" id="result">
    <h1>Welcome, ${escapeHtml(options.name || 'new customer')}</h1>
    <p>Your number <strong id="verified-phone" dir="ltr">${escapeHtml(result.phone)}</strong> is verified.</p>
    <dl>
      <dt>Method</dt><dd id="verified-method">${escapeHtml(result.method)}${result.channel ? ` (${escapeHtml(result.channel)})` : ''}</dd>
      <dt>Risk</dt><dd>${escapeHtml(result.risk_level ?? 'not scored')}${result.risk_score === null || result.risk_score === undefined ? '' : ` (${escapeHtml(result.risk_score)}/100)`}</dd>
      <dt>Action</dt><dd>${escapeHtml(result.action)}</dd>
    </dl>
  </div>`
    : `<div class="card result error" id="result">
    <h1>We could not verify your number</h1>
    <p>siteverify answered <code id="error-codes">${escapeHtml(((result['error-codes'] as string[]) ?? []).join(', '))}</code>.</p>
    <p><a href="/">Try again</a></p>
  </div>`;
  return layout(
    options,
    'Result',
    `${body}
  <details><summary>The siteverify answer</summary><pre>${escapeHtml(JSON.stringify(result, null, 2))}</pre></details>`,
    false,
  );
}
