/**
 * Acceptance (issue 14): axe-core in Chromium reports no serious or critical violation on any page a
 * role can reach, at desktop and phone widths, nor on the login page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { describeViolations, seriousAxeViolations } from './helpers/axe.js';
import { DESKTOP, PHONE, type Viewport } from './helpers/browser.js';
import { sleep } from './helpers/demo-daemon.js';
import type { Account } from './helpers/gateway-api.js';
import { useRig } from './helpers/rig.js';
import { logIn, PAGES } from './helpers/ui.js';

const rig = useRig();

/** The route's content has rendered: the hash is set and the DOM has been still for a moment. */
async function settle(page: Page, route: string): Promise<void> {
  await page.waitForFunction((r) => (globalThis as any).location.hash === r, route, { timeout: 10_000 });
  await page.locator('main').first().waitFor({ timeout: 10_000 });
  await sleep(500);
}

async function auditRole(t: import('node:test').TestContext, who: Account, viewport: Viewport): Promise<string[]> {
  const r = rig();
  const { page } = await r.session(t, viewport);
  await logIn(page, who);
  const failures: string[] = [];
  for (const p of PAGES.filter((x) => x.roles.includes(who.role))) {
    await page.goto(`/${p.route}`);
    await settle(page, p.route);
    const found = await seriousAxeViolations(page);
    if (found.length > 0) failures.push(describeViolations(`${who.role} ${p.route} at ${viewport.width} px`, found));
  }
  return failures;
}

test('axe: the login page, and a failed login with its alert', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await page.goto('/#/login');
  await page.locator('form[data-form="login"]').waitFor();
  const failures: string[] = [];
  let found = await seriousAxeViolations(page);
  if (found.length) failures.push(describeViolations('#/login', found));
  await page.locator('input[name=username]').fill('admin');
  await page.locator('input[name=password]').fill('wrong password');
  await page.locator('form[data-form="login"] button[type=submit], form[data-form="login"] input[type=submit]').first().click();
  await page.locator('[role=alert]').first().waitFor({ timeout: 10_000 });
  found = await seriousAxeViolations(page);
  if (found.length) failures.push(describeViolations('#/login after a failed login', found));
  assert.deepEqual(failures, [], failures.join('\n'));
});

for (const role of ['admin', 'user', 'sms'] as const) {
  for (const viewport of [DESKTOP, PHONE]) {
    test(`axe: every page the ${role} account reaches, at ${viewport.width} px`, { timeout: 120_000 }, async (t) => {
      const failures = await auditRole(t, rig()[role], viewport);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
}
