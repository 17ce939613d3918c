/**
 * Acceptance (issue 14): the tool pages on the demo gateway: the HTTP access test (manual §5.10), own
 * numbers learned and set by hand (§5.11), the SIP "auto-fill other lines" helper (§4.3), and the
 * account page's own password change. Each form is submitted and its outcome read from the page; the
 * pages must fit a 375 px screen.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE } from './helpers/browser.js';
import { useRig } from './helpers/rig.js';
import { logIn, openByNav } from './helpers/ui.js';

const rig = useRig();

test('the data check sends the line\'s HTTP test and shows its outcome', { timeout: 120_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, r.user);
  await openByNav(page, 'data-check');
  const form = page.locator('form[data-form="data-check"]');
  await form.locator('select[name=line]').selectOption('1');
  await form.locator('input[name=url]').fill('http://example.com/');
  await form.locator('button[type=submit]').click();
  const result = page.locator('[data-result]');
  await result.waitFor({ timeout: 90_000 });
  // The simulated modem answers as its family's HTTP client would; either outcome names the URL.
  assert.match(String(await result.getAttribute('data-result')), /^(ok|failed)$/);
  assert.match(await result.locator('[data-col="url"]').innerText(), /example\.com/);
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth), PHONE.width);
  assert.deepEqual(problems, []);
});

test('own numbers: "learn now" ends with the number known; a number set by hand is shown as such', { timeout: 120_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, r.user);
  await openByNav(page, 'own-number');
  const learn = page.locator('[data-line="1"] button[data-action="learn"]');
  await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-line="1"] button[data-action="learn"]')?.disabled === false, null, { timeout: 15_000 });
  await learn.click();
  await page.locator('[data-line="1"] [data-result="known"]').waitFor({ timeout: 90_000 });

  const form = page.locator('form[data-form="own-number"]');
  await form.locator('select[name=line]').selectOption('2');
  await form.locator('input[name=number]').fill('+8613800138002');
  await form.locator('button[type=submit]').click();
  await page.locator('[data-result="saved"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-line="2"] [data-col="method"][data-method="manual"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('[data-line="2"] [data-col="number"]').innerText(), '+8613800138002');
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth), PHONE.width);
  assert.deepEqual(problems, []);
});

test('the SIP auto-fill, reached from the settings list, shows the request and every line\'s account', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, r.admin);
  await openByNav(page, 'settings');
  await page.locator('a[data-settings="sip-autofill"]').click();
  const form = page.locator('form[data-form="sip-autofill"]');
  await form.locator('input[name=authId]').fill('1001');
  await form.locator('input[name=password]').fill('not shown');
  await form.locator('input[name=phoneNumber]').fill('1001');
  await form.locator('input[name=registrar]').fill('sip.example.com');
  const preview = await page.locator('[data-preview]').innerText();
  assert.match(preview, /"registrar": "sip.example.com"/);
  assert.doesNotMatch(preview, /not shown/);
  await form.locator('button[type=submit]').click();
  const result = page.locator('[data-result]');
  await result.waitFor({ timeout: 15_000 });
  const lines = (await r.api.ok('GET', '/api/lines')).lines.length;
  assert.equal(await result.getAttribute('data-result'), String(lines));
  assert.equal(await result.locator('tbody tr').count(), lines);
  assert.match(await result.locator('tbody tr[data-line="2"]').innerText(), /1002/);
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth), PHONE.width);
  assert.deepEqual(problems, []);
});

test('the user role has no link to the SIP auto-fill', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const { page } = await r.session(t);
  await logIn(page, r.user);
  await openByNav(page, 'settings');
  await page.locator('a[data-settings="limits"]').waitFor();
  assert.equal(await page.locator('a[data-settings="sip-autofill"]').count(), 0);
});

test('the account page changes its own password: a mismatch is refused in the page, then the new one works', { timeout: 60_000 }, async (t) => {
  const r = rig();
  const account = await r.api.createAccount('changer', 'user');
  const { page, problems } = await r.session(t, PHONE);
  await logIn(page, account);
  await openByNav(page, 'account');
  const form = page.locator('form[data-form="password"]');
  const next = 'a-password-of-my-own';
  await form.locator('input[name=currentPassword]').fill(account.password);
  await form.locator('input[name=password]').fill(next);
  await form.locator('input[name=confirm]').fill(`${next}-typo`);
  await form.locator('button[type=submit]').click();
  await page.locator('[role=alert]').waitFor({ timeout: 10_000 });
  const basic = (pw: string) => ({ authorization: 'Basic ' + Buffer.from(`changer:${pw}`).toString('base64') });
  assert.equal((await fetch(`${r.daemon.url}/api/me`, { headers: basic(account.password) })).status, 200, 'the old password still holds after the refused attempt');

  await form.locator('input[name=confirm]').fill(next);
  await form.locator('button[type=submit]').click();
  await page.locator('form[data-form="password"] [role=status]').waitFor({ timeout: 15_000 });
  assert.equal((await fetch(`${r.daemon.url}/api/me`, { headers: basic(next) })).status, 200, 'the new password holds');
  assert.equal((await fetch(`${r.daemon.url}/api/me`, { headers: basic(account.password) })).status, 401, 'the old one no longer does');
  assert.equal(await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth), PHONE.width);
  assert.deepEqual(problems, []);
});
