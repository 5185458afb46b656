import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { text, useBrowserFixture } from './support/fixture.js';
import { axeViolations } from './support/stack.js';
import { type VisitedState, walkStates } from './support/states.js';

// A server per test on a ManualClock: the walk expires a code by moving both clocks on.
const fixture = useBrowserFixture({ perTest: true, manualClock: true });

async function open(
  attributes: string,
  options: { colorScheme?: 'light' | 'dark'; width?: number; dark?: boolean } = {},
): Promise<{ page: Page; widget: Locator }> {
  return fixture.open({
    head: options.dark ? '<style>body{background:#0b1220;color:#f3f4f6}</style>' : '',
    attributes: `default-country="GB" ${attributes} channels="sms whatsapp voice email"`,
    context: {
      colorScheme: options.colorScheme ?? 'light',
      viewport: { width: options.width ?? 1280, height: 800 },
    },
  });
}

/** Walks the widget through every state of the OTP path, calling `visit` in each. */
const walk = (page: Page, widget: Locator, visit: (state: VisitedState) => Promise<void>) =>
  walkStates(page, widget, fixture.stack, fixture.clock, visit);

describe('accessibility (axe-core) in every state', () => {
  it.each([
    ['light', 'theme="light"', {}],
    ['dark', 'theme="dark"', { dark: true }],
    ['light at 375 px', 'theme="light"', { width: 375 }],
    ['dark at 375 px', 'theme="dark"', { dark: true, width: 375 }],
    ['auto, dark system', '', { colorScheme: 'dark' as const, dark: true }],
    ['compact', 'size="compact"', {}],
  ])('%s: no violations', async (_name, attributes, options) => {
    const { page, widget } = await open(attributes, options);
    const found: Record<string, string[]> = {};
    await walk(page, widget, async (state) => {
      const violations = await axeViolations(page);
      if (violations.length) found[state] = violations.map((v) => `${v.id}: ${v.help} ${v.nodes.join(' ')}`);
    });
    expect(found).toEqual({});
  });

  it('announces status changes in one polite live region', async () => {
    const { page, widget } = await open('');
    const announced: string[] = [];
    await walk(page, widget, async () => {
      expect(await widget.locator('[aria-live]').count()).toBe(1);
      announced.push(text(await widget.locator('[role=status]').textContent()) ?? '');
    });
    expect(announced[0]).toBe('');
    expect(announced[1]).toBe('Enter your phone number.');
    expect(announced[2]).toMatch(/^We sent a code by SMS to \+44\*+\d{4}\.$/);
    expect(announced[3]).toBe('');
    expect(announced[4]).toBe('Enter a valid email address, like name@example.com.');
    expect(announced[5]).toBe('That code is not right. 4 attempts left.');
    expect(announced[6]).toBe('The code has expired. Ask for a new one.');
    expect(announced[7]).toBe('Phone number verified');
  });
});

describe('mobile layout', () => {
  it.each([320, 375])(
    'fits %i px without scrolling sideways, with touch targets of 44 px or more',
    async (width) => {
      const { page, widget } = await open('', { width });
      await walk(page, widget, async (state) => {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, state).toBeLessThanOrEqual(0);
        // The whole number shows: the field is not scrolled to hide its start.
        if (state === 'phone-error' || state === 'phone') {
          await widget.locator('#phone').fill('07400 123456');
          const field = await widget.locator('#phone').evaluate((input: HTMLInputElement) => ({
            scroll: input.scrollWidth,
            client: input.clientWidth,
          }));
          expect(field.scroll, `${state}: the number is cut`).toBeLessThanOrEqual(field.client);
          await widget.locator('#phone').fill('');
        }
        const targets = await widget.evaluate((host) =>
          [...host.shadowRoot!.querySelectorAll('button, input, .country')].map((element) => {
            const box = element.getBoundingClientRect();
            return {
              what: element.id || element.className || element.tagName,
              height: box.height,
              width: box.width,
            };
          }),
        );
        for (const target of targets) {
          expect(target.height, `${state} ${target.what}`).toBeGreaterThanOrEqual(44);
          expect(target.width, `${state} ${target.what}`).toBeGreaterThanOrEqual(44);
        }
      });
    },
  );
});
