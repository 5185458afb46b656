import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type ManualClock, type RunningProofline, startProofline } from '@proofline/server';
import { ensureWidgetBuilt, widgetRoot } from '../../scripts/ensure-built.mjs';

export { ensureWidgetBuilt, widgetRoot };

type Clock = Pick<ManualClock, 'now'>;

import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';

export interface Stack {
  /** The Proofline server (API and /widget/). */
  server: RunningProofline;
  /** The page site, another 127.0.0.1 port (an allowed origin of the demo site). */
  site: string;
  /** Serves `html` at `path` on the page site. */
  page(path: string, html: string): string;
  close(): Promise<void>;
}

/** The real server on embedded defaults plus a tiny static site for the test pages. */
export async function startStack(
  options: { env?: Record<string, string>; clock?: Clock } = {},
): Promise<Stack> {
  await ensureWidgetBuilt();
  const server = await startProofline({
    port: 0,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent', ...options.env },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const pages = new Map<string, string>();
  const site: Server = createServer((request, response) => {
    const html = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
    response.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  return {
    server,
    site: origin,
    page(path, html) {
      pages.set(path, html);
      return origin + path;
    },
    async close() {
      await new Promise<void>((resolve) => site.close(() => resolve()));
      await server.close();
    },
  };
}

export interface PageOptions {
  body: string;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  /** Extra markup in <head>, after the widget script. */
  head?: string;
  /** The page's h1 (a page without one fails axe's page-level rule); '' for none. */
  heading?: string;
}

/** A page that loads the widget the way integrators do: one async classic script from the server. */
export function widgetPage(
  stack: Stack,
  { body, lang = 'en', dir = 'ltr', head = '', heading = 'Sign up' }: PageOptions,
): string {
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget test</title>
<script src="${stack.server.url}/widget/proofline.js" async></script>${head}
<style>body{font-family:system-ui,sans-serif;margin:24px;max-width:480px}</style></head>
<body><main>${heading ? `<h1 style="font-size:1.25rem">${heading}</h1>` : ''}${body}</main></body></html>`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const openContexts = new Set<BrowserContext>();
const pageErrors: Error[] = [];

/** Closes every context `openPage` opened (call it in `afterEach`); fails on any uncaught page error. */
export async function closePages(): Promise<void> {
  await Promise.all([...openContexts].map((context) => context.close()));
  openContexts.clear();
  const errors = pageErrors.splice(0);
  if (errors.length)
    throw new Error(`uncaught errors in the page: ${errors.map((e) => e.message).join('; ')}`);
}

/** A fresh context and page; `locale` sets `navigator.languages`; uncaught page errors are collected. */
export async function openPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  openContexts.add(context);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => {
    errors.push(error);
    pageErrors.push(error);
  });
  await page.goto(url);
  return { context, page, errors };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** Runs axe-core on the whole page (it reaches into shadow roots) and returns the violations. */
export async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: Document,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}

/** The code of the newest message the dev inbox holds for `phone` (E.164). */
export async function latestCode(
  stack: Stack,
  phone: string,
): Promise<{ code: string; channel: string; count: number }> {
  const response = await fetch(`${stack.server.url}/dev/inbox?to=${encodeURIComponent(phone)}`);
  const { messages } = (await response.json()) as { messages: { body: string; channel: string }[] };
  const newest = messages[0];
  const code = newest ? /\b(\d{4,10})\b/.exec(newest.body)?.[1] : undefined;
  if (!newest || !code) throw new Error(`no code in the dev inbox for ${phone}`);
  return { code, channel: newest.channel, count: messages.length };
}

/**
 * A random UK mobile number, so per-number limits never couple tests and the fraud guard's
 * adjacent-number (SMS pumping) check never sees a sequence.
 */
export function freshUkMobile(): { national: string; e164: string } {
  const range = ['740', '750', '770', '780', '790'][Math.floor(Math.random() * 5)]!;
  const rest =
    String(1 + Math.floor(Math.random() * 8)) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
  const digits = `7${range.slice(1)}${rest}`;
  return { national: `0${digits.slice(0, 4)} ${digits.slice(4)}`, e164: `+44${digits}` };
}

/** Which line the sandbox operator sees the simulated device on (null: Wi-Fi, no silent possible). */
export async function deviceOn(stack: Stack, phone: string | null): Promise<void> {
  const response = await fetch(`${stack.server.url}/sandbox/operator/device`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  if (response.status !== 200) throw new Error(`sandbox device: ${response.status}`);
}

/** Holds the page's operator hop until `release` is called, then lets it go on to the sandbox. */
export async function holdOperatorHop(page: Page): Promise<{ release: () => void }> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/sandbox/operator/authorize**', async (route) => {
    await held;
    await route.continue();
  });
  return { release };
}
