/**
 * Acceptance (issue 14): Chinese and back through the language menu; the sms account sees only the SMS
 * pages (and its own account page) and no line data even when it types the status page's address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from './helpers/demo-daemon.js';
import { GatewayApi } from './helpers/gateway-api.js';
import { useRig } from './helpers/rig.js';
import { logIn, navEntries, SMS_NAV, textOf } from './helpers/ui.js';

const rig = useRig();
const lang = (page: import('playwright-core').Page) => page.evaluate(() => String((globalThis as any).document.documentElement.lang));

test('switching to Chinese relabels the page and sets <html lang>; switching back restores English', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t);
  await logIn(page, r.admin);
  const label = 'nav a[data-nav="status"]';
  const english = await textOf(page, label);
  assert.equal(await lang(page), 'en');

  await page.locator('select[name=language]').selectOption('zh-CN');
  await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'zh-CN', undefined, { timeout: 5_000 });
  await page.waitForFunction(([sel, was]) => ((globalThis as any).document.querySelector(sel)?.textContent ?? '').trim() !== was, [label, english] as const, { timeout: 5_000 });
  assert.match(await textOf(page, label), /[\u4e00-\u9fff]/, 'the status link is not in Chinese');

  await page.locator('select[name=language]').selectOption('en');
  await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'en', undefined, { timeout: 5_000 });
  assert.equal(await textOf(page, label), english);
  assert.deepEqual(problems, []);
});

test('the sms account finds only the SMS pages and sees no line data', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logIn(page, r.sms);
  const entries = await navEntries(page);
  for (const nav of SMS_NAV) assert.ok(entries.includes(nav), `the sms account has no ${nav} link: ${entries.join(', ')}`);
  const others = entries.filter((e) => !SMS_NAV.includes(e) && e !== 'account');
  assert.deepEqual(others, [], `the sms account sees links beyond the SMS pages and its account`);

  // Typing the status page's address shows no line: the server refuses the data, not only the menu.
  await page.goto('/#/status');
  await sleep(1500);
  assert.equal(await page.locator('[data-line]').count(), 0, 'line rows shown to the sms account');
  const asSms = new GatewayApi(r.daemon, r.sms.name, r.sms.password);
  assert.equal((await asSms.call('GET', '/api/lines')).status, 403);
});

test('the user account has the operator pages but not the users page', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logIn(page, r.user);
  const entries = await navEntries(page);
  for (const nav of ['status', 'sims', 'calls', 'ussd', ...SMS_NAV]) assert.ok(entries.includes(nav), `the user account has no ${nav} link: ${entries.join(', ')}`);
  assert.ok(!entries.some((e) => /users|sip|media/.test(e)), `the user account sees ${entries.join(', ')}`);
});
