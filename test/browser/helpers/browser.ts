/**
 * Debian's Chromium driven by playwright-core (pinned to the release whose protocol matches it; `.ci/run`
 * checks the major version). No browser is downloaded: a missing /usr/bin/chromium fails the test with
 * the package to install, it never skips it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless run: no sandbox (CI containers), no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: the browser tests need the Debian package "chromium" (apt-get install chromium; .ci/run installs it)`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

export interface Viewport {
  width: number;
  height: number;
}

export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const PHONE: Viewport = { width: 375, height: 812 };

/**
 * A fresh context (no cookies, no storage) for one test; page errors and failed requests are kept so a
 * failing test can say what the page said. `close()` is safe to call twice.
 */
export async function openPage(browser: Browser, baseURL: string, viewport: Viewport = DESKTOP, locale = 'en-US'): Promise<BrowserSession> {
  const context = await browser.newContext({ baseURL, viewport, locale });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // An HTTP error answer is logged by Chromium as "Failed to load resource" even when the page
    // expects and handles it (401 before login, 409 from a refused action); the tests check statuses.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  let closed = false;
  return {
    context,
    page,
    problems,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
    },
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors (a Content-Security-Policy violation, say) seen so far. */
  problems: string[];
  close(): Promise<void>;
}
