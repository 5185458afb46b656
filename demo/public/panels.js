// The demo's developer panels: a simulated device (drives the sandbox operator), the phone's
// screen (the dev inbox for that number) and the site's settings (the real settings API).
const $ = (selector) => document.querySelector(selector);

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error?.message ?? `HTTP ${response.status}`);
  return answer;
}

const devicePhone = $('#device-phone');
const deviceStatus = $('#device-status');

async function applyDevice() {
  const cellular = document.querySelector('input[name="connection"]:checked').value === 'cellular';
  try {
    await call('PUT', '/api/device', { phone: cellular ? devicePhone.value.replace(/[^\d+]/g, '') : null });
    deviceStatus.textContent = cellular ? `On mobile data as ${devicePhone.value}.` : 'On Wi-Fi.';
  } catch (error) {
    deviceStatus.textContent = `Could not set the device: ${error.message}`;
  }
}

for (const radio of document.querySelectorAll('input[name="connection"]'))
  radio.addEventListener('change', applyDevice);
devicePhone.addEventListener('change', applyDevice);

const day = 86_400_000;
const simulations = {
  sim_swap: () => ({ sim_changed_at: new Date().toISOString() }),
  port: () => ({
    porting_history: [{ from_carrier: 'Vodafone UK', to_carrier: 'EE', ported_at: new Date().toISOString() }],
  }),
  recycled: () => ({
    previous_owner_until: new Date(Date.now() - day).toISOString(),
    activated_at: new Date().toISOString(),
  }),
};
for (const button of document.querySelectorAll('[data-simulate]')) {
  button.addEventListener('click', async () => {
    const kind = button.dataset.simulate;
    const phone = devicePhone.value.replace(/[^\d+]/g, '');
    try {
      await call('PUT', `/api/subscribers/${encodeURIComponent(phone)}`, simulations[kind]());
      deviceStatus.textContent = `${button.textContent} done for ${devicePhone.value}.`;
    } catch (error) {
      deviceStatus.textContent = `Could not simulate: ${error.message}`;
    }
  });
}

// The phone's screen: the newest messages for the device's number, refreshed every second.
const screen = $('#phone-messages');
let shown = '';
async function refreshInbox() {
  const phone = devicePhone.value.replace(/[^\d+]/g, '');
  try {
    const { messages } = await call('GET', `/api/inbox?to=${encodeURIComponent(phone)}`);
    const key = messages.map((message) => message.id).join();
    if (key === shown) return;
    shown = key;
    screen.replaceChildren(
      ...(messages.length === 0
        ? [
            Object.assign(document.createElement('p'), {
              className: 'empty',
              textContent: 'No messages yet.',
            }),
          ]
        : messages.slice(0, 5).map((message) => {
            const bubble = document.createElement('article');
            bubble.className = 'bubble';
            const meta = document.createElement('p');
            meta.className = 'meta';
            meta.textContent = `${message.channel} · ${new Date(message.sent_at).toLocaleTimeString()}`;
            const text = document.createElement('p');
            text.className = 'text';
            text.textContent = message.body;
            bubble.append(meta, text);
            return bubble;
          })),
    );
  } catch {
    // The server may be restarting; the next tick tries again.
  }
}
setInterval(refreshInbox, 1000);
refreshInbox();

// Settings: read once, write on submit through the demo backend (it holds the secret key).
const settingsForm = $('#settings-form');
const settingsStatus = $('#settings-status');
async function loadSettings() {
  try {
    const settings = await call('GET', '/api/settings');
    for (const box of settingsForm.querySelectorAll('input[name="channels"]'))
      box.checked = settings.channels.includes(box.value);
    settingsForm.silent.checked = settings.silent;
    settingsForm.block_voip.checked = settings.block_voip;
    settingsForm.code_length.value = settings.code_length;
    settingsForm.locale.value = settings.locale;
  } catch (error) {
    settingsStatus.textContent = `Could not read the settings: ${error.message}`;
  }
}
settingsForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const channels = [...settingsForm.querySelectorAll('input[name="channels"]:checked')].map(
    (box) => box.value,
  );
  try {
    await call('PUT', '/api/settings', {
      channels,
      silent: settingsForm.silent.checked,
      block_voip: settingsForm.block_voip.checked,
      code_length: Number(settingsForm.code_length.value),
      locale: settingsForm.locale.value,
    });
    for (const widget of document.querySelectorAll('proofline-verify')) {
      widget.setAttribute('locale', settingsForm.locale.value);
      widget.reset?.();
    }
    settingsStatus.textContent = 'Settings applied.';
  } catch (error) {
    settingsStatus.textContent = `Not applied: ${error.message}`;
  }
});
loadSettings();
applyDevice();

// The device follows the number typed in the widget, so codes show for any number tried. The widget's
// `input` events are composed: they reach the page, and its shadow root is open to read the number.
const widget = document.querySelector('proofline-verify');
function typedNumber() {
  const root = widget?.shadowRoot;
  const typed = root?.querySelector('#phone')?.value ?? '';
  const digits = typed.replace(/\D/g, '');
  if (digits.length < 6) return null;
  if (typed.trim().startsWith('+')) return `+${digits}`;
  // A national number: the selected country's calling code, without the national trunk 0.
  const code = /\+(\d+)/.exec(root?.querySelector('.country-value')?.textContent ?? '')?.[1];
  return code ? `+${code}${digits.replace(/^0/, '')}` : null;
}
let following;
widget?.addEventListener('input', () => {
  clearTimeout(following);
  following = setTimeout(() => {
    const number = typedNumber();
    if (!number || number === devicePhone.value) return;
    devicePhone.value = number;
    applyDevice();
    refreshInbox();
  }, 300);
});
widget?.addEventListener('proofline-verified', (event) => {
  if (event.detail.phone !== devicePhone.value) {
    devicePhone.value = event.detail.phone;
    refreshInbox();
  }
});
