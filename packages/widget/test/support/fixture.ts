import { ManualClock } from '@proofline/server';
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ProoflineEventMap } from '../../src/events/index.js';
import {
  closePages,
  launchBrowser,
  openPage,
  type PageOptions,
  type Stack,
  startStack,
  widgetPage,
} from './stack.js';

// The browser fixture of the widget tests: one Chromium per file, the real server with a small page
// site (per file, or per test with a ManualClock), pages opened the way integrators load the widget.

export interface FixtureOptions {
  /** A server per test: per-number and per-IP limits (all tests come from 127.0.0.1) never couple tests. */
  perTest?: boolean;
  /** With `perTest`: the server runs on a ManualClock, which the page's clock starts from. */
  manualClock?: boolean;
}

interface OpenOptions extends Partial<PageOptions> {
  /** Attributes of the one widget of the default body (`site-key` is `pk_test_demo`). */
  attributes?: string;
  /** The page's path on the page site (default: a fresh one). */
  path?: string;
  /** Browser context options: `locale` (sets `navigator.languages`), `viewport`, `colorScheme`… */
  context?: BrowserContextOptions;
  /** Serves the page under another host name that resolves to the loopback (`shop.localhost`). */
  hostname?: string;
  /** Runs before the page loads: routes, listeners, permissions. */
  before?: (page: Page, context: BrowserContext) => Promise<unknown> | unknown;
  /** Waits for the phone field (default true). */
  ready?: boolean;
}

interface Opened {
  page: Page;
  context: BrowserContext;
  /** The page's `proofline-verify` elements. */
  widget: Locator;
  /** Uncaught errors of the page (each also fails the test in `afterEach`). */
  errors: Error[];
  /** The page's `console.error` lines, as they come. */
  consoleErrors: string[];
}

export interface BrowserFixture {
  readonly browser: Browser;
  readonly stack: Stack;
  /** The server's clock, with `manualClock`. */
  readonly clock: ManualClock;
  /** Opens a page with a widget (or `body`) in a fresh context, its clock at the server clock's time. */
  open(options?: OpenOptions): Promise<Opened>;
  /** Moves the server's and the page's clock on together. */
  advance(page: Page, ms: number): Promise<void>;
}

/** Registers the hooks of a browser test file and answers the fixture they maintain. */
export function useBrowserFixture({
  perTest = false,
  manualClock = false,
}: FixtureOptions = {}): BrowserFixture {
  let browser: Browser | undefined;
  let stack: Stack | undefined;
  let clock: ManualClock | undefined;
  const start = async () => {
    clock = manualClock ? new ManualClock(Date.now()) : undefined;
    stack = await startStack(clock ? { clock } : {});
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    if (!perTest) await start();
  });
  if (perTest) beforeEach(start);
  afterEach(async () => {
    await closePages();
    if (perTest) await stack?.close();
  });
  afterAll(async () => {
    await browser?.close();
    if (!perTest) await stack?.close();
  });

  return {
    get browser() {
      return browser!;
    },
    get stack() {
      return stack!;
    },
    get clock() {
      return clock!;
    },
    async open(options = {}) {
      const { attributes = '', path, context: contextOptions, hostname, before, ready = true } = options;
      const body =
        options.body ?? `<proofline-verify site-key="pk_test_demo" ${attributes}></proofline-verify>`;
      let url = stack!.page(
        path ?? `/page-${Math.random().toString(36).slice(2)}`,
        widgetPage(stack!, { ...options, body }),
      );
      if (hostname) url = url.replace('127.0.0.1', hostname);
      const { page, context, errors } = await openPage(browser!, 'about:blank', contextOptions);
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      if (clock) await page.clock.install({ time: clock.now() });
      await before?.(page, context);
      await page.goto(url);
      if (ready) await page.locator('proofline-verify #phone').first().waitFor();
      return { page, context, widget: page.locator('proofline-verify'), errors, consoleErrors };
    },
    async advance(page, ms) {
      clock!.advance(ms);
      await page.clock.fastForward(ms);
    },
  };
}

/** Text as the user reads it: whitespace collapsed, trimmed. */
export const text = (value: string | null | undefined): string | undefined =>
  value?.replace(/\s+/g, ' ').trim();

/** The text of a locator, as the user reads it. */
export const textOf = (locator: Locator): Promise<string | undefined> => locator.textContent().then(text);

type Detail<K extends keyof ProoflineEventMap> =
  ProoflineEventMap[K] extends CustomEvent<infer D> ? D : never;

/** Records the widget events of the page from now on; `events` reads them. */
export async function recordEvents(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: unknown[] = [];
    (window as unknown as { seen: unknown[] }).seen = seen;
    for (const name of ['proofline-verified', 'proofline-error', 'proofline-expired', 'proofline-state']) {
      document.addEventListener(name, (event) =>
        seen.push({ type: name, detail: (event as CustomEvent).detail }),
      );
    }
  });
}

/** The details of the recorded events of one type, oldest first. */
export function events<K extends keyof ProoflineEventMap>(page: Page, type: K): Promise<Detail<K>[]> {
  return page.evaluate(
    (type) =>
      (window as unknown as { seen: { type: string; detail: unknown }[] }).seen
        .filter((e) => e.type === type)
        .map((e) => e.detail),
    type,
  ) as Promise<Detail<K>[]>;
}
