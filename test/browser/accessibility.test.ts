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

/** Opens a route and lets it render; the hash the app ended on (a page the role may not open redirects). */
async function visit(page: Page, route: string): Promise<string> {
  await page.goto(`/${route}`);
  await page.locator('main').first().waitFor({ timeout: 10_000 });
  await page.waitForFunction((r) => (globalThis as any).location.hash === r, route, { timeout: 5_000 }).catch(() => undefined);
  // Let the live snapshot arrive and the DOM settle.
  await sleep(500);
  return page.evaluate(() => String((globalThis as any).location.hash));
}

/** The pages a page links to in its main part (the settings list's section pages). */
async function inPageLinks(page: Page): Promise<string[]> {
  return page.locator('main a[href^="#/"]').evaluateAll((links: any[]) => links.map((a) => String(a.getAttribute('href'))));
}

async function auditRole(t: import('node:test').TestContext, who: Account, viewport: Viewport, followLinks: boolean): Promise<string[]> {
  const r = rig();
  const { page } = await r.session(t, viewport);
  await logIn(page, who);
  const failures: string[] = [];
  // The fixed page list, and any further page the navigation offers this role (configuration pages).
  const linked = await page.locator('nav a[href^="#/"]').evaluateAll((links: any[]) => links.map((a) => String(a.getAttribute('href'))));
  // With followLinks, pages linked from those pages too (each settings section), once each.
  const routes = [...new Set([...PAGES.filter((x) => x.roles.includes(who.role)).map((x) => x.route), ...linked])];
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const shown = await visit(page, route);
    if (shown !== route) {
      failures.push(`${who.role} ${route}: not shown (the app went to ${shown})`);
      continue;
    }
    const found = await seriousAxeViolations(page);
    if (found.length > 0) failures.push(describeViolations(`${who.role} ${route} at ${viewport.width} px`, found));
    if (followLinks) for (const next of await inPageLinks(page)) if (!routes.includes(next)) routes.push(next);
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
    // Every page at the desktop width, pages linked from other pages (settings sections) included, for
    // the admin (the user's sections are a subset of the admin's); the navigation's pages otherwise.
    const follow = viewport === DESKTOP && role === 'admin';
    test(`axe: every page the ${role} account reaches${follow ? ', the settings sections included,' : ' from the navigation'} at ${viewport.width} px`, { timeout: 180_000 }, async (t) => {
      const failures = await auditRole(t, rig()[role], viewport, follow);
      assert.deepEqual(failures, [], failures.join('\n'));
    });
  }
}
