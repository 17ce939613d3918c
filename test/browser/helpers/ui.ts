/**
 * Steps through the operator UI by its DOM contract (data-form, data-nav, data-line… attributes), never
 * by its styling or wording, so the tests hold in both languages and across layout changes.
 */
import type { Page } from 'playwright-core';
import type { Account } from './gateway-api.js';

/** Every page route of the UI, and the roles that may open it. */
export const PAGES: { route: string; nav: string; roles: readonly string[] }[] = [
  { route: '#/status', nav: 'status', roles: ['admin', 'user'] },
  { route: '#/sims', nav: 'sims', roles: ['admin', 'user'] },
  { route: '#/calls', nav: 'calls', roles: ['admin', 'user'] },
  { route: '#/sms/send', nav: 'sms-send', roles: ['admin', 'user', 'sms'] },
  { route: '#/sms/inbox', nav: 'sms-inbox', roles: ['admin', 'user', 'sms'] },
  { route: '#/sms/outbox', nav: 'sms-outbox', roles: ['admin', 'user', 'sms'] },
  { route: '#/ussd', nav: 'ussd', roles: ['admin', 'user'] },
  { route: '#/account', nav: 'account', roles: ['admin', 'user', 'sms'] },
];

export const SMS_NAV = ['sms-send', 'sms-inbox', 'sms-outbox'];

/** Logs in through the login form and waits for the page the role lands on. */
export async function logIn(page: Page, who: Pick<Account, 'name' | 'password' | 'role'>): Promise<void> {
  await page.goto('/#/login');
  const form = page.locator('form[data-form="login"]');
  await form.locator('input[name=username]').fill(who.name);
  await form.locator('input[name=password]').fill(who.password);
  await form.locator('button[type=submit], input[type=submit]').first().click();
  const landing = who.role === 'sms' ? '#/sms/send' : '#/status';
  await page.waitForFunction((hash) => (globalThis as any).location.hash === hash, landing, { timeout: 10_000 });
  await page.locator('[data-action="logout"]').waitFor({ timeout: 10_000 });
}

/**
 * Opens a page through its navigation link, as a user would: on a narrow screen the links are folded
 * behind the "Menu" button, which is pressed first.
 */
export async function openByNav(page: Page, nav: string): Promise<void> {
  const link = page.locator(`nav a[data-nav="${nav}"]`).first();
  await link.waitFor({ state: 'attached', timeout: 10_000 });
  if (!(await link.isVisible())) await page.locator('nav button[data-action="menu"]').click();
  await link.click();
}

/** The `data-nav` names of the navigation links shown. */
export async function navEntries(page: Page): Promise<string[]> {
  const all = await page.locator('nav a[data-nav]').evaluateAll((links: any[]) => links.map((a) => String(a.getAttribute('data-nav'))));
  return [...new Set(all)].sort();
}

/** The text of a locator with whitespace collapsed. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
