/**
 * One test file's rig: a demo daemon with an admin, a `user` and an `sms` account, and one Chromium;
 * each test gets a fresh browser context. Everything is torn down after the file, also when a test or
 * the set-up failed.
 */
import { after, before, type TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, openPage, type BrowserSession, type Viewport } from './browser.js';
import { startDemoDaemon, type DemoDaemon, type DemoOptions } from './demo-daemon.js';
import { GatewayApi, SimulatorControl, type Account } from './gateway-api.js';

export interface Rig {
  daemon: DemoDaemon;
  browser: Browser;
  api: GatewayApi;
  simulator: SimulatorControl;
  admin: Account;
  user: Account;
  sms: Account;
  /** A fresh browser context and page, closed when the test ends (pass or fail). */
  session(t: TestContext, viewport?: Viewport, locale?: string): Promise<BrowserSession>;
}

export async function startRig(opts: DemoOptions = {}): Promise<Rig & { close(): Promise<void> }> {
  const daemon = await startDemoDaemon(opts);
  let browser: Browser | undefined;
  try {
    const api = new GatewayApi(daemon);
    const user = await api.createAccount('operator', 'user');
    const sms = await api.createAccount('texter', 'sms');
    browser = await launchChromium();
    const b = browser;
    return {
      daemon,
      browser: b,
      api,
      simulator: new SimulatorControl(daemon.controlApi),
      admin: { name: 'admin', password: daemon.adminPassword, role: 'admin' },
      user,
      sms,
      async session(t, viewport, locale) {
        const s = await openPage(b, daemon.url, viewport, locale);
        t.after(() => s.close());
        return s;
      },
      async close() {
        await b.close().catch(() => undefined);
        await daemon.stop();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await daemon.stop();
    throw e;
  }
}

/** Registers the file's set-up and tear-down; the returned function gives the rig inside a test. */
export function useRig(opts: DemoOptions = {}): () => Rig {
  let rig: (Rig & { close(): Promise<void> }) | undefined;
  let failure: unknown;
  before(async () => {
    try {
      rig = await startRig(opts);
    } catch (e) {
      failure = e;
    }
  }, { timeout: 90_000 });
  after(async () => {
    await rig?.close();
  }, { timeout: 30_000 });
  return () => {
    // Each test fails with the set-up's own error rather than a vague "before hook failed".
    if (failure !== undefined) throw failure;
    if (!rig) throw new Error('the browser test rig did not start');
    return rig;
  };
}
