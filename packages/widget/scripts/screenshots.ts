// Screenshots of every widget state at 375 px and 1280 px (light, and dark at 375 px) into
// docs/screenshots/widget-<state>-<width>[-dark].png, from the real server and a real Chromium:
//   pnpm --filter @proofline/widget screenshots
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@proofline/server';
import {
  deviceOn,
  freshUkMobile,
  holdOperatorHop,
  launchBrowser,
  startStack,
  widgetPage,
  widgetRoot,
} from '../test/support/stack.js';
import { walkStates } from '../test/support/states.js';

const out = join(widgetRoot, '..', '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const signup = (theme: string) => `
  <h1 style="font-size:1.5rem;margin:0 0 16px">Create your account</h1>
  <form style="display:flex;flex-direction:column;gap:16px">
    <label style="display:flex;flex-direction:column;gap:6px;font-weight:600">Email
      <input type="email" value="ada@example.com" style="font:inherit;min-height:44px;padding:0 12px;border:1px solid #8a94a3;border-radius:8px;background:transparent;color:inherit">
    </label>
    <proofline-verify site-key="pk_test_demo" default-country="GB" theme="${theme}" required></proofline-verify>
    <button style="font:inherit;font-weight:600;min-height:44px;border:0;border-radius:8px;background:#111827;color:#fff">Sign up</button>
  </form>`;

const browser = await launchBrowser();
const runs = [
  { width: 375, theme: 'light', suffix: '' },
  { width: 1280, theme: 'light', suffix: '' },
  { width: 375, theme: 'dark', suffix: '-dark' },
];
try {
  for (const run of runs) {
    const clock = new ManualClock(Date.now());
    const stack = await startStack({ clock });
    const dark = run.theme === 'dark' ? '<style>body{background:#0b1220;color:#f3f4f6}</style>' : '';
    const url = stack.page(
      '/signup',
      widgetPage(stack, { head: dark, heading: '', body: signup(run.theme) }),
    );
    const context = await browser.newContext({
      viewport: { width: run.width, height: 900 },
      locale: 'en-GB',
    });
    const page = await context.newPage();
    await page.clock.install({ time: clock.now() });
    await page.goto(url);
    const shoot = async (state: string) => {
      // Let the focus ring and the live region settle, then shoot the form area only.
      await page.waitForTimeout(150);
      await page
        .locator('main')
        .screenshot({ path: join(out, `widget-${state}-${run.width}${run.suffix}.png`) });
    };
    await walkStates(page, page.locator('proofline-verify'), stack, clock, shoot);

    // The silent state: the device is on the typed line; the operator hop is held for the picture.
    const number = freshUkMobile();
    await deviceOn(stack, number.e164);
    const { release } = await holdOperatorHop(page);
    await page.locator('proofline-verify button[part~=link]').click();
    await page.locator('proofline-verify #phone').fill(number.national);
    await page.locator('proofline-verify button[type=submit]').click();
    await page.locator('proofline-verify [part=silent]').waitFor();
    await shoot('silent');
    release();
    await page.locator('proofline-verify .done').waitFor();
    await context.close();
    await stack.close();
  }
} finally {
  await browser.close();
}
console.log(`screenshots written to ${out}`);
