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
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/assets/demo.css">
  <script src="${escapeHtml(options.prooflineUrl)}/widget/proofline.js" async></script>
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">Acme <span class="tag">Proofline demo</span></a>
    <nav aria-label="Pages"><a href="/">Sign up</a> <a href="/recover">Recover account</a></nav>
  </header>
  <div class="layout">
    <main class="site">${main}</main>
    ${panels ? panelsHtml() : ''}
  </div>
  <script type="module" src="/assets/form.js"></script>
  ${panels ? '<script type="module" src="/assets/panels.js"></script>' : ''}
</body>
</html>`;
}

function panelsHtml(): string {
  return `<aside class="panels" aria-label="Demo controls">
  <section class="panel" aria-labelledby="device-title">
    <h2 id="device-title">Device simulator</h2>
    <p class="hint">The visitor's phone as the mobile operator sees it. Silent verification works only on mobile data, on the number typed in the form.</p>
    <fieldset>
      <legend>Connection</legend>
      <label><input type="radio" name="connection" value="wifi" checked> Wi-Fi: a code is sent</label>
      <label><input type="radio" name="connection" value="cellular"> Mobile data on the device number: silent, no code</label>
    </fieldset>
    <label class="field">Device number <span class="hint">follows the number typed in the form</span>
      <input id="device-phone" type="tel" value="+447400123456" dir="ltr" autocomplete="off"></label>
    <div class="row">
      <button type="button" data-simulate="sim_swap">Simulate SIM swap</button>
      <button type="button" data-simulate="port">Simulate port</button>
      <button type="button" data-simulate="recycled">Simulate recycled number</button>
    </div>
    <p class="status" id="device-status" role="status"></p>
  </section>
  <section class="panel phone-mockup" aria-labelledby="phone-title">
    <h2 id="phone-title">Phone</h2>
    <p class="hint">Messages to the device number, from the dev inbox: the codes appear here.</p>
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
      <label class="field">Code length <input type="number" name="code_length" min="6" max="10" value="6"></label>
      <label class="field">Widget language
        <select name="locale"><option value="auto">Browser</option><option>en</option><option>es</option><option>fr</option><option>de</option></select>
      </label>
      <button type="submit">Apply settings</button>
      <p class="status" id="settings-status" role="status"></p>
    </form>
  </section>
</aside>`;
}

const guide = `<section class="guide" aria-labelledby="guide-title">
    <h2 id="guide-title">Try it</h2>
    <ol>
      <li><strong>Get a code.</strong> Keep <em>Wi-Fi</em> in the device simulator, type a mobile number (any, e.g. 07400 123456) and press Continue. The code appears on the phone.</li>
      <li><strong>Verify silently.</strong> Choose <em>Mobile data on the device number</em> and try again: the operator confirms the number, no code is sent.</li>
      <li><strong>See a risky number.</strong> Press <em>Simulate SIM swap</em> before you verify: the result names the factor and what the site should do.</li>
      <li><strong>Recover an account.</strong> On <a href="/recover">Recover account</a> the number on file is verified as it is.</li>
    </ol>
  </section>`;

export function signupPage(options: PageOptions): string {
  return layout(
    options,
    'Sign up',
    `<h1>Create your Acme account</h1>
  <p class="lede">A shop signup that proves the visitor's phone number with Proofline.</p>
  <form class="card" method="post" action="/signup" id="signup-form">
    <label class="field">Name <input name="name" autocomplete="name" required></label>
    <proofline-verify site-key="${escapeHtml(options.siteKey)}" api-url="${escapeHtml(options.prooflineUrl)}"
      default-country="GB" action="signup" required></proofline-verify>
    <button type="submit" class="primary" data-needs-verification hidden>Create account</button>
    <p class="hint" data-verification-hint>Verify your phone number to create the account.</p>
  </form>
  ${guide}`,
  );
}

export function recoverPage(options: PageOptions): string {
  return layout(
    options,
    'Recover account',
    `<h1>Recover your account</h1>
  <p class="lede">We will confirm it is you with the phone number on your account, +44 7400 123456.</p>
  <form class="card" method="post" action="/signup" id="recover-form">
    <input type="hidden" name="name" value="Returning customer">
    <proofline-verify site-key="${escapeHtml(options.siteKey)}" api-url="${escapeHtml(options.prooflineUrl)}"
      phone="+447400123456" phone-readonly action="recover" required></proofline-verify>
    <button type="submit" class="primary" data-needs-verification hidden>Open my account</button>
    <p class="hint" data-verification-hint>Verify the number to open the account.</p>
  </form>`,
  );
}

export type RiskFactor = { factor: string; contribution: number; details: string };

/** What each siteverify field means, for the readable answer. */
const fieldMeanings: [string, string][] = [
  ['success', 'the token is genuine, of this site, and redeemed now for the first time'],
  ['phone', 'the number that was proven'],
  ['phone_verified', 'false when an email address, not the number, was proven'],
  ['method', 'how: silent (the mobile operator) or otp (a code)'],
  ['channel', 'where the code went, for otp'],
  ['risk_level', 'low, medium or high, from risk_score'],
  ['risk_score', '0 to 100, the sum of the risk factors'],
  ['action', 'the page the widget was on (the action attribute)'],
  ['hostname', 'the site the verification ran on'],
  ['challenge_ts', 'when the number was verified'],
];

const nextStep: Record<string, string> = {
  low: 'Nothing stands out: create the account.',
  medium: 'Create the account, and keep an eye on it (or ask for more proof for sensitive actions).',
  high: 'Do not trust this number alone: hold the account for review or ask for another proof.',
};

export function resultPage(
  options: PageOptions & { name: string; result: Record<string, unknown>; factors?: RiskFactor[] },
): string {
  const { result, factors = [] } = options;
  const level = String(result.risk_level ?? 'low');
  const silent = result.method === 'silent';
  const how = silent
    ? 'Silently: the mobile operator confirmed that the phone on mobile data is this number. No code was sent.'
    : `With a one-time code sent by ${escapeHtml(String(result.channel ?? 'sms').toUpperCase())}, which the visitor typed.`;
  const why = factors.length
    ? `<ul class="factors">${factors
        .map(
          (factor) =>
            `<li><strong>${escapeHtml(factor.factor.replace(/_/g, ' '))}</strong> (+${escapeHtml(factor.contribution)}): ${escapeHtml(factor.details)}</li>`,
        )
        .join('')}</ul>`
    : '<p>No risk factor applies to this number.</p>';
  const body = result.success
    ? `<div class="card result risk-${escapeHtml(level)}" id="result">
    <h1>${level === 'low' ? 'Welcome' : 'Account created, with a warning'}, ${escapeHtml(options.name || 'new customer')}</h1>
    ${
      result.phone_verified === false
        ? `<p>The address <strong id="verified-email">${escapeHtml(result.email)}</strong> is proven to be the visitor's; the phone number is not.</p>`
        : `<p>The number <strong id="verified-phone" dir="ltr">${escapeHtml(result.phone)}</strong> is proven to be the visitor's.</p>`
    }
    <h2>How it was proven</h2>
    <p><span class="badge" id="verified-method">${silent ? 'silent' : `code (${escapeHtml(result.channel)})`}</span> ${how}</p>
    <h2>Risk</h2>
    <p><span class="badge risk" id="risk-level">${escapeHtml(level)}</span> score ${escapeHtml(result.risk_score ?? 0)}/100. ${escapeHtml(nextStep[level] ?? '')}</p>
    <div id="risk-factors">${why}</div>
  </div>`
    : `<div class="card result error" id="result">
    <h1>We could not verify your number</h1>
    <p>siteverify answered <code id="error-codes">${escapeHtml(((result['error-codes'] as string[]) ?? []).join(', '))}</code>.</p>
    <p><a href="/">Try again</a></p>
  </div>`;
  const readable = result.success
    ? `<table class="answer"><caption>What the site's backend received from siteverify</caption>
    <thead><tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead><tbody>${fieldMeanings
      .map(
        ([field, meaning]) =>
          `<tr><th scope="row"><code>${field}</code></th><td><code>${escapeHtml(JSON.stringify(result[field] ?? null))}</code></td><td>${meaning}</td></tr>`,
      )
      .join('')}</tbody></table>`
    : '';
  return layout(
    options,
    'Result',
    `${body}
  ${readable}
  <details class="raw"><summary>The raw siteverify answer</summary><pre>${escapeHtml(JSON.stringify(result, null, 2))}</pre></details>
  <p><a href="/">Start again</a></p>`,
    false,
  );
}
